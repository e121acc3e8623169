-- What `vete db adopt --resolve` changes before the adopt migrations run, and what it
-- writes once they have: every change is logged with the old values, nothing is deleted.

-- name: create_resolution_log#
-- The log of every row adopt changed to resolve a conflict (kept after a revert).
CREATE TABLE IF NOT EXISTS vete.adopt_resolutions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id uuid NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind text NOT NULL CHECK (kind IN ('appointment_cancelled', 'cart_lines_merged', 'stock_zeroed')),
    tenant_id text NOT NULL,
    table_name text NOT NULL,
    row_id uuid NOT NULL,
    old_values jsonb NOT NULL,
    new_values jsonb NOT NULL,
    reason text NOT NULL
);
COMMENT ON TABLE vete.adopt_resolutions IS
    'Rows vete db adopt --resolve changed (old and new values): how to undo each resolution.';

-- name: merge_repeated_cart_lines(run_id)
-- Carts whose (id, type) repeats: one line per item, in first-seen order, with the highest
-- quantity (the original's max policy); the old items are logged. Returns the carts changed.
WITH lines AS (
    SELECT c.tenant_id, c.id AS cart_id, e.line, e.pos,
           -- the uuid the id spells, whatever its case, braces or hyphens
           lower(translate(e.line ->> 'id', '{}-', '')) AS item_id, e.line ->> 'type' AS item_type,
           CASE WHEN e.line ->> 'quantity' ~ '^[0-9]{1,9}$' THEN (e.line ->> 'quantity')::int END AS qty
    FROM public.store_carts c
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(c.items) = 'array' THEN c.items ELSE '[]'::jsonb END
    ) WITH ORDINALITY AS e (line, pos)
),
carts AS (
    SELECT DISTINCT l.tenant_id, l.cart_id FROM lines l
    GROUP BY l.tenant_id, l.cart_id, l.item_id, l.item_type HAVING count(*) > 1
),
grouped AS (
    SELECT l.tenant_id, l.cart_id, min(l.pos) AS pos, max(l.qty) AS qty
    FROM lines l JOIN carts c USING (tenant_id, cart_id)
    GROUP BY l.tenant_id, l.cart_id, l.item_id, l.item_type
),
merged AS (
    SELECT g.tenant_id, g.cart_id,
           jsonb_agg(CASE WHEN g.qty IS NULL THEN l.line ELSE l.line || jsonb_build_object('quantity', g.qty) END
                     ORDER BY g.pos) AS items
    FROM grouped g JOIN lines l ON l.tenant_id = g.tenant_id AND l.cart_id = g.cart_id AND l.pos = g.pos
    GROUP BY g.tenant_id, g.cart_id
),
before AS (
    SELECT c.tenant_id, c.id, c.items FROM public.store_carts c
    JOIN merged m ON m.tenant_id = c.tenant_id AND m.cart_id = c.id
),
changed AS (
    UPDATE public.store_carts c SET items = m.items
    FROM merged m
    WHERE c.tenant_id = m.tenant_id AND c.id = m.cart_id
    RETURNING c.tenant_id, c.id, c.items
),
logged AS (
    INSERT INTO vete.adopt_resolutions
        (run_id, kind, tenant_id, table_name, row_id, old_values, new_values, reason)
    SELECT CAST(:run_id AS uuid), 'cart_lines_merged', c.tenant_id, 'store_carts', c.id,
           jsonb_build_object('items', b.items), jsonb_build_object('items', c.items),
           'repeated (id, type) lines merged into one, keeping the highest quantity (max policy)'
    FROM changed c JOIN before b ON b.tenant_id = c.tenant_id AND b.id = c.id
)
SELECT c.tenant_id, c.id AS cart_id, b.items AS old_items, c.items AS new_items
FROM changed c JOIN before b ON b.tenant_id = c.tenant_id AND b.id = c.id
ORDER BY 1, 2;

-- name: zero_negative_stock(run_id)
-- Negative stock_quantity becomes 0; the old value is logged. Returns the rows changed.
WITH before AS (
    SELECT i.tenant_id, i.product_id, i.stock_quantity FROM public.store_inventory i
    WHERE i.stock_quantity < 0
),
changed AS (
    UPDATE public.store_inventory i SET stock_quantity = 0
    FROM before b
    WHERE i.tenant_id = b.tenant_id AND i.product_id = b.product_id
    RETURNING i.tenant_id, i.product_id
),
logged AS (
    INSERT INTO vete.adopt_resolutions
        (run_id, kind, tenant_id, table_name, row_id, old_values, new_values, reason)
    SELECT CAST(:run_id AS uuid), 'stock_zeroed', b.tenant_id, 'store_inventory', b.product_id,
           jsonb_build_object('stock_quantity', b.stock_quantity), '{"stock_quantity": 0}',
           'negative stock set to 0 (vete refuses selling below zero)'
    FROM before b
)
SELECT b.tenant_id, b.product_id, b.stock_quantity AS old_stock FROM before b ORDER BY 1, 2;

-- name: add_default_working_hours()
-- Vets of a live clinic with no working hours get the clinic's default: the days and hours
-- its active services are offered (available_days, available_start_time, available_end_time)
-- where it has them, else Monday to Friday 08:00-18:00; wall-clock times in the clinic's
-- time zone. Returns what each vet got.
WITH clinic AS (
    SELECT t.id AS tenant_id, t.timezone,
           (SELECT array_agg(DISTINCT d ORDER BY d) FROM public.services s
            CROSS JOIN LATERAL unnest(s.available_days) AS d
            WHERE s.tenant_id = t.id AND s.is_active AND s.deleted_at IS NULL AND d BETWEEN 1 AND 7) AS days,
           (SELECT min(s.available_start_time) FROM public.services s
            WHERE s.tenant_id = t.id AND s.is_active AND s.deleted_at IS NULL) AS starts,
           (SELECT max(s.available_end_time) FROM public.services s
            WHERE s.tenant_id = t.id AND s.is_active AND s.deleted_at IS NULL) AS ends
    FROM public.tenants t
),
chosen AS (
    SELECT v.tenant_id, v.id AS vet_id, v.full_name AS vet_name, c.timezone,
           CASE WHEN sane THEN coalesce(c.days, '{1,2,3,4,5}') ELSE '{1,2,3,4,5}' END AS days,
           CASE WHEN sane THEN coalesce(c.starts, '08:00') ELSE '08:00' END AS starts_at,
           CASE WHEN sane THEN coalesce(c.ends, '18:00') ELSE '18:00' END AS ends_at,
           CASE WHEN sane AND num_nonnulls(c.days, c.starts, c.ends) > 0 THEN 'services'
                ELSE 'default' END AS source
    FROM public.profiles v
    JOIN clinic c ON c.tenant_id = v.tenant_id
    CROSS JOIN LATERAL (SELECT coalesce(c.starts, '08:00') < coalesce(c.ends, '18:00') AS sane) s
    WHERE v.role = 'vet' AND v.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM public.vet_working_hours w
                      WHERE w.tenant_id = v.tenant_id AND w.vet_id = v.id)
),
added AS (
    INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, kind, starts_at, ends_at, label)
    SELECT c.tenant_id, c.vet_id, d, 'work', c.starts_at, c.ends_at, 'default from vete db adopt (' || c.source || ')'
    FROM chosen c CROSS JOIN LATERAL unnest(c.days) AS d
)
SELECT * FROM chosen ORDER BY tenant_id, vet_name;

-- name: timezone_fallbacks()
-- Clinics whose settings.timezone was missing or not a zone: they got America/Asuncion.
SELECT t.id AS tenant_id, t.settings ->> 'timezone' AS configured, t.timezone
FROM public.tenants t
WHERE (t.settings ->> 'timezone') IS DISTINCT FROM t.timezone
ORDER BY 1;
