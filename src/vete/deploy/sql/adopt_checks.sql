-- What `vete db adopt` reads before it changes anything: what the database is, and which
-- rows break a rule vete is about to enforce.

-- name: public_tables()
-- Every table in schema public.
SELECT c.relname AS name
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
ORDER BY 1;

-- name: missing_columns(required)
-- Of the columns required as {table: [column, ...]}, those schema public lacks.
SELECT r.table_name, r.column_name
FROM jsonb_each(CAST(:required AS jsonb)) AS t (table_name, cols)
CROSS JOIN LATERAL jsonb_array_elements_text(t.cols) AS c (column_name)
CROSS JOIN LATERAL (SELECT t.table_name, c.column_name) AS r
WHERE NOT EXISTS (
    SELECT 1 FROM information_schema.columns i
    WHERE i.table_schema = 'public' AND i.table_name = r.table_name AND i.column_name = r.column_name
)
ORDER BY 1, 2;

-- name: function_signatures(names)
-- The signatures of the named functions in schema public (every overload).
SELECT p.proname AS name, p.oid::regprocedure::text AS signature
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY (:names)
ORDER BY 1, 2;

-- name: history_sets()
-- Per migration set: how many migrations the deployer has recorded, and how many are baselines.
SELECT migration_set, count(*) AS migrations,
       count(*) FILTER (WHERE created ? 'baseline') AS baselines
FROM vete.schema_migrations
GROUP BY 1
ORDER BY 1;

-- name: repeated_cart_lines()
-- Carts in which one (id, type) appears on more than one line, with the quantities seen.
-- Ids are compared as the uuids they spell (lower case, no braces or hyphens): "…c5b" and
-- "…C5B" are one product, which the original's raw-text grouping sold twice over.
SELECT c.tenant_id, c.id AS cart_id, c.customer_id, min(e.line ->> 'id') AS item_id,
       e.line ->> 'type' AS item_type, count(*) AS lines,
       jsonb_agg(e.line -> 'quantity' ORDER BY e.pos) AS quantities
FROM public.store_carts c
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(c.items) = 'array' THEN c.items ELSE '[]'::jsonb END
) WITH ORDINALITY AS e (line, pos)
GROUP BY c.tenant_id, c.id, c.customer_id, lower(translate(e.line ->> 'id', '{}-', '')),
         e.line ->> 'type'
HAVING count(*) > 1
ORDER BY 1, 2, 4;

-- name: negative_stock()
-- Inventory rows with fewer than zero units on hand.
SELECT i.tenant_id, i.product_id, p.name AS product_name, i.stock_quantity
FROM public.store_inventory i
LEFT JOIN public.store_products p ON p.id = i.product_id AND p.tenant_id = i.tenant_id
WHERE i.stock_quantity < 0
ORDER BY 1, 2;
