-- The merge's fast path (first in 014, last changed in 015). It answers only what the
-- engine (vete.store_cart_apply) would answer the same; tests/store/test_merge_fast_path.py
-- compares the two.
-- vete:requires store/store_merge_answer
-- vete:requires store/store_line_id
-- vete:requires store/store_line_rules
-- vete:requires store/store_parse_uuid
-- vete:requires store/store_product_offer

CREATE OR REPLACE FUNCTION vete.store_cart_merge_fast(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- vete.store_cart_apply's answer for the plain case, computed with fewer plan nodes
    -- but the engine's own line rules (vete.store_line_rules: quantities, fold, clamps,
    -- reasons) and catalog probe (vete.store_product_offer), or NULL (having written nothing) when the call needs the engine. The plain case:
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
        -- On Citus the engine answers: this one UPDATE reads the catalog through
        -- vete.store_product_offer, and Citus would send it whole to the clinic's worker,
        -- where the probe cannot query other shards (issue 15, docs/scale-out.md).
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
            RETURN NULL;
        END IF;
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
                     -- the engine's reasons; UNAVAILABLE and CART_LINE_LIMIT cannot arise
                     vete.store_adjustment_reasons(w.requested, w.qty, w.available, NULL, false,
                                                   w.shown_price, w.line_price) AS reasons
              FROM (
                SELECT v.id, v.k, v.shown_price, v.requested,
                       v.ok AND c.name IS NOT NULL AS ok,
                       c.name AS line_name, c.price AS line_price, c.available,
                       vete.store_clamped(v.requested, c.available, NULL) AS qty
                FROM (
                  SELECT g.id, g.k, g.ok,
                         coalesce(g.new_item, g.old_item) -> 'price' AS shown_price,
                         CASE WHEN g.ok THEN g.id::uuid END AS product_id,
                         CASE WHEN g.ok THEN vete.store_requested(p_policy, g.old_qty, g.new_qty)
                              ELSE 0 END AS requested
                  FROM (
                    SELECT h.*,
                           CASE WHEN h.old_item IS NOT NULL
                                THEN vete.store_stored_quantity(h.old_item) END AS old_qty,
                           CASE WHEN h.ok THEN vete.store_new_quantity(h.new_item, p_policy) END AS new_qty
                    FROM (
                      SELECT e.item ->> 'id' AS id, min(e.pos) AS k,
                             (array_agg(e.item) FILTER (WHERE e.pos <= v_old_count))[1] AS old_item,
                             (array_agg(e.item) FILTER (WHERE e.pos > v_old_count))[1] AS new_item,
                             coalesce(
                                 bool_and(CASE
                                     WHEN e.item ->> 'type' IS DISTINCT FROM 'product' THEN false
                                     WHEN e.pos <= v_old_count THEN true
                                     ELSE vete.store_new_quantity(e.item, p_policy) IS NOT NULL
                                 END)
                                 -- one line, or one old and one new
                                 AND (count(*) = 1 OR (count(*) = 2 AND min(e.pos) <= v_old_count
                                                       AND max(e.pos) > v_old_count))
                                 -- the id already in its canonical spelling
                                 AND vete.store_line_id(e.item ->> 'id', 'product') = e.item ->> 'id',
                                 false) AS ok
                      FROM jsonb_array_elements(coalesce(v_cart.items, '[]'::jsonb) || p_items)
                           WITH ORDINALITY AS e (item, pos)
                      GROUP BY 1
                    ) h
                    OFFSET 0  -- a fence: plain columns for the inlined rules above
                  ) g
                  OFFSET 0  -- a fence: each per-line value computed once, not re-expanded above
                ) v
                -- One primary-key probe per line, as in vete.store_catalog.
                LEFT JOIN LATERAL vete.store_product_offer(p_tenant_id, v.product_id) c ON true
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
        -- the engine's answer, built by the same function
        RETURN vete.store_merge_answer(v_cart.items, v_cart.id, v_cart.version, v_adjustments,
                                       v_total_quantity, v_total, p_policy);
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) IS
    'store_cart_apply''s answer for an existing cart of plain product lines (canonical ids), with a smaller statement; NULL when the engine is needed.';

REVOKE EXECUTE ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION vete.store_cart_merge_fast(text, uuid, jsonb, text) TO service_role;
