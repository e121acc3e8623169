-- The merge's fast path (first in 014, last changed in 015). It answers only what the
-- engine (vete.store_cart_apply) would answer the same; tests/store/test_merge_fast_path.py
-- compares the two.
-- vete:requires store/store_line_id
-- vete:requires store/store_parse_uuid

CREATE OR REPLACE FUNCTION vete.store_cart_merge_fast(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- vete.store_cart_apply's answer for the plain case, computed with fewer plan nodes,
    -- or NULL (having written nothing) when the call needs the engine. The plain case:
    -- the customer's cart row exists; every line, old and new, is an object with type
    -- "product" and an id in the canonical spelling of a uuid (lower case, 8-4-4-4-12);
    -- every new quantity is valid; at most one old and one new line per id; at most 50
    -- lines in all; every product on sale. Then no line can be UNAVAILABLE or beyond
    -- CART_LINE_LIMIT, the fold is a join of at most two lines per id, and grouping by
    -- the id's text is grouping by product (any other spelling goes to the engine, which
    -- canonicalises it). The cart row is locked before its lines are read, as in the
    -- engine; when NULL is answered the engine locks it again (a no-op).
    DECLARE
        v_cart public.store_carts;
        v_old_count int;
        v_adjustments jsonb;
        v_total_quantity int;
        v_total numeric;
    BEGIN
        IF p_tenant_id IS NULL OR p_customer_id IS NULL OR p_policy IS NULL
           OR p_policy NOT IN ('max', 'sum', 'set')
           OR jsonb_typeof(p_items) IS DISTINCT FROM 'array' OR jsonb_array_length(p_items) > 50 THEN
            RETURN NULL;
        END IF;
        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
           FOR UPDATE;
        IF NOT FOUND THEN
            RETURN NULL;  -- a first write: the engine creates the row race-free
        END IF;
        v_old_count := jsonb_array_length(coalesce(v_cart.items, '[]'::jsonb));

        -- One statement: fold, re-price and clamp (the engine's rules, restricted to the
        -- plain case), and write only when every line qualified (f.ok). A line is stored
        -- as the engine stores it: the five known keys, nothing the client added.
        UPDATE public.store_carts c
           SET items = f.items, version = c.version + 1, updated_at = now()
          FROM (
            SELECT coalesce(bool_and(r.ok), true) AND count(*) <= 50 AS ok,
                   coalesce(jsonb_agg(
                       jsonb_build_object('id', r.id, 'type', 'product', 'name', r.line_name,
                                          'price', r.line_price, 'quantity', r.qty)
                       ORDER BY r.k) FILTER (WHERE r.qty > 0), '[]'::jsonb) AS items,
                   coalesce(jsonb_agg(jsonb_build_object(
                       'id', r.id, 'type', 'product', 'requested_quantity', r.requested,
                       'quantity', r.qty, 'client_price', r.shown_price, 'price', r.line_price,
                       'reasons', to_jsonb(r.reasons))
                       ORDER BY r.k) FILTER (WHERE r.reasons <> '{}'), '[]'::jsonb) AS adjustments,
                   coalesce(sum(r.qty) FILTER (WHERE r.qty > 0), 0)::int AS total_quantity,
                   coalesce(sum(r.qty * r.line_price) FILTER (WHERE r.qty > 0), 0) AS total
            FROM (
              SELECT w.*,
                     -- The engine's reasons, minus UNAVAILABLE and CART_LINE_LIMIT,
                     -- which cannot arise here.
                     array_remove(ARRAY[
                         CASE WHEN w.requested > 0 AND w.available = 0 THEN 'OUT_OF_STOCK' END,
                         CASE WHEN w.qty > 0 AND w.qty < w.requested AND w.qty = w.available
                              THEN 'STOCK_LIMIT' END,
                         CASE WHEN w.qty > 0 AND w.qty < w.requested AND w.qty = 100
                                   AND w.qty IS DISTINCT FROM w.available THEN 'LINE_MAX' END,
                         CASE WHEN w.shown_price IS NULL THEN NULL
                              WHEN jsonb_typeof(w.shown_price) <> 'number' THEN 'PRICE_FROM_CATALOG'
                              WHEN (w.shown_price #>> '{}')::numeric <> w.line_price
                                  THEN 'PRICE_FROM_CATALOG' END
                     ], NULL) AS reasons
              FROM (
                SELECT v.id, v.k, v.shown_price, v.requested,
                       v.ok AND c.line_name IS NOT NULL AS ok,
                       c.line_name, c.line_price, c.available,
                       least(v.requested, 100, c.available) AS qty
                FROM (
                  SELECT g.id, g.k, g.ok,
                         coalesce(g.new_item, g.old_item) -> 'price' AS shown_price,
                         CASE WHEN g.ok THEN g.id::uuid END AS product_id,
                         CASE
                             WHEN NOT g.ok THEN 0
                             WHEN g.new_item IS NULL THEN g.old_qty
                             WHEN g.old_item IS NULL THEN g.new_qty
                             WHEN p_policy = 'sum' THEN g.old_qty + g.new_qty
                             WHEN p_policy = 'set' THEN g.new_qty
                             ELSE greatest(g.old_qty, g.new_qty)
                         END AS requested
                  FROM (
                    SELECT h.*,
                           -- as the engine reads a stored line's quantity
                           CASE WHEN jsonb_typeof(h.old_item -> 'quantity') = 'number'
                                THEN greatest(1, least(100,
                                         floor((h.old_item ->> 'quantity')::numeric)))::int
                                ELSE 1 END AS old_qty,
                           CASE WHEN h.ok THEN (h.new_item ->> 'quantity')::numeric::int END AS new_qty
                    FROM (
                      SELECT e.item ->> 'id' AS id, min(e.pos) AS k,
                             (array_agg(e.item) FILTER (WHERE e.pos <= v_old_count))[1] AS old_item,
                             (array_agg(e.item) FILTER (WHERE e.pos > v_old_count))[1] AS new_item,
                             coalesce(
                                 bool_and(CASE
                                     WHEN e.item ->> 'type' IS DISTINCT FROM 'product' THEN false
                                     WHEN e.pos <= v_old_count THEN true
                                     WHEN jsonb_typeof(e.item -> 'quantity') IS DISTINCT FROM 'number'
                                         THEN false
                                     -- a separate branch, so the casts only see a number
                                     ELSE (e.item ->> 'quantity')::numeric
                                              = trunc((e.item ->> 'quantity')::numeric)
                                          AND (e.item ->> 'quantity')::numeric
                                              BETWEEN CASE WHEN p_policy = 'set' THEN 0 ELSE 1 END
                                                  AND 100
                                 END)
                                 -- one line, or one old and one new
                                 AND (count(*) = 1 OR (count(*) = 2 AND min(e.pos) <= v_old_count
                                                       AND max(e.pos) > v_old_count))
                                 -- 8-4-4-4-12 lower-case hex digits: a uuid's canonical
                                 -- text (a cheap regular expression and positions)
                                 AND length(e.item ->> 'id') = 36
                                 AND (e.item ->> 'id') ~ '^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$'
                                 AND substr(e.item ->> 'id', 9, 1) = '-'
                                 AND substr(e.item ->> 'id', 14, 1) = '-'
                                 AND substr(e.item ->> 'id', 19, 1) = '-'
                                 AND substr(e.item ->> 'id', 24, 1) = '-',
                                 false) AS ok
                      FROM jsonb_array_elements(coalesce(v_cart.items, '[]'::jsonb) || p_items)
                           WITH ORDINALITY AS e (item, pos)
                      GROUP BY 1
                    ) h
                  ) g
                  OFFSET 0  -- a fence: each per-line value computed once, not re-expanded above
                ) v
                -- One primary-key probe per line, as in vete.store_catalog.
                LEFT JOIN LATERAL (
                  SELECT p.name AS line_name, p.price AS line_price,
                         coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0) AS available
                  FROM public.store_products p
                  LEFT JOIN public.store_inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
                  WHERE p.tenant_id = p_tenant_id AND p.id = v.product_id
                    AND p.is_active AND p.deleted_at IS NULL
                  LIMIT 1
                ) c ON true
                OFFSET 0
              ) w
              OFFSET 0
            ) r
          ) f
         WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id AND f.ok
        RETURNING c.items, c.version, f.adjustments, f.total_quantity, f.total
             INTO v_cart.items, v_cart.version, v_adjustments, v_total_quantity, v_total;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        RETURN jsonb_build_object(
            'success', true,
            'items', v_cart.items,
            'item_count', jsonb_array_length(v_cart.items),
            'total_quantity', v_total_quantity,
            'total', v_total,
            'cart_id', v_cart.id,
            'version', v_cart.version,
            'adjustments', v_adjustments,
            'policy', p_policy);
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) IS
    'store_cart_apply''s answer for an existing cart of plain product lines (canonical ids), with a smaller statement; NULL when the engine is needed.';

REVOKE EXECUTE ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) TO service_role;
