-- vete db monitor: the invariants, checked on the data by queries independent of the
-- constraints and functions that are meant to keep them. Each returns up to 5 examples
-- and, on every row, the total count.

-- name: overlapping_appointments()
-- Pairs of active appointments of one vet whose [start, end + buffer) overlap, from the
-- raw columns (not the exclusion constraint, not blocked_range). a starts no later than b,
-- so b overlaps a exactly when b starts before a's blocked end: a range scan per row.
SELECT a.tenant_id, a.vet_id, a.id AS first_id, b.id AS second_id,
       a.start_time AS first_start, b.start_time AS second_start,
       count(*) OVER () AS total
FROM appointments a
JOIN appointments b
  ON b.tenant_id = a.tenant_id AND b.vet_id = a.vet_id AND b.id <> a.id
 AND (b.start_time > a.start_time OR (b.start_time = a.start_time AND b.id > a.id))
 AND b.start_time < a.end_time + make_interval(mins => a.buffer_minutes)
WHERE a.status NOT IN ('cancelled', 'no_show') AND a.deleted_at IS NULL
  AND b.status NOT IN ('cancelled', 'no_show') AND b.deleted_at IS NULL
ORDER BY a.tenant_id, a.vet_id, a.start_time
LIMIT 5;

-- name: duplicate_cart_lines()
-- Carts holding the same (id, type) on more than one line. Ids are compared as the uuids
-- they spell: lower case, without braces or hyphens (every spelling PostgreSQL's uuid
-- input takes), so "…c5b" and "{…C5B}" are one item. Written here on its own, not with
-- vete's store_parse_uuid, so the check stays independent of what it checks.
SELECT c.tenant_id, c.customer_id, min(l ->> 'id') AS item_id, l ->> 'type' AS item_type,
       count(*) AS lines, count(*) OVER () AS total
FROM store_carts c CROSS JOIN LATERAL jsonb_array_elements(c.items) AS l
GROUP BY c.tenant_id, c.customer_id, lower(translate(l ->> 'id', '{}-', '')), l ->> 'type'
HAVING count(*) > 1
ORDER BY c.tenant_id, c.customer_id
LIMIT 5;

-- name: negative_stock()
-- Inventory rows below zero (units or reserved units).
SELECT tenant_id, product_id, stock_quantity, reserved_quantity, count(*) OVER () AS total
FROM store_inventory
WHERE stock_quantity < 0 OR reserved_quantity < 0
ORDER BY tenant_id, product_id
LIMIT 5;

-- name: missing_functions(names)
-- Which of the functions callers rely on are not in the public schema.
SELECT n.name
FROM unnest(CAST(:names AS text[])) AS n(name)
WHERE NOT EXISTS (
    SELECT 1 FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace AND p.proname = n.name
)
ORDER BY n.name;
