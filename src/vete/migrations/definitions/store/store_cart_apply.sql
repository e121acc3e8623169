-- vete.store_cart_apply (first in 011; the body 015 gave it).
-- vete:requires store/store_merge_answer
-- vete:requires store/store_catalog
-- vete:requires store/store_error
-- vete:requires store/store_line_rules

CREATE OR REPLACE FUNCTION vete.store_cart_apply(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The one merge engine behind merge_cart_atomic and the cart edits. It folds the
    -- client's lines into the cart's by (canonical id, type) with the policy
    --   max: keep the larger quantity (the original's rule)   sum: add them
    --   set: the new quantity replaces the old one (0 removes the line)
    -- then re-prices every line from the catalog and clamps it to the units available, to
    -- 100 per line and to 50 lines; every line that ends up different from what the policy
    -- alone gives is reported under adjustments (those line rules are written once, in
    -- vete.store_line_rules, which the fast path vete.store_cart_merge_fast uses too;
    -- prices and stock come from vete.store_catalog). A stored line is exactly {id, type, name,
    -- price, quantity}, its id canonical: other keys the client sent are not kept, and
    -- spellings of one uuid are one line. Validation and merge are one statement over the
    -- old and new lines together (one catalog lookup); when any new item is bad it
    -- returns the error and writes nothing, not even a new cart row.
    --
    -- Locking (the original lost items here): the cart row, when it exists, is locked
    -- before its lines are read. When it does not, the merged lines are inserted with
    -- INSERT ... ON CONFLICT DO NOTHING, which waits for a concurrent first writer; if that
    -- one won, its row is locked and the merge is done again on top of its lines.
    DECLARE
        v_cart public.store_carts;
        v_exists boolean;
        v_old_count int;
        v_all jsonb;
        v_bad jsonb;
        v_shape_bad boolean;
        v_items jsonb;
        v_adjustments jsonb;
        v_total_quantity int;
        v_total numeric;
    BEGIN
        IF p_policy IS NULL OR p_policy NOT IN ('max', 'sum', 'set') THEN
            RETURN vete.store_error('INVALID_POLICY',
                format('Política de combinación desconocida: %s (use max o sum).', coalesce(p_policy, 'NULL')));
        END IF;
        IF p_tenant_id IS NULL OR p_customer_id IS NULL THEN
            RETURN vete.store_error('INVALID_INPUT', 'Faltan la clínica o el cliente.');
        END IF;
        IF p_items IS NULL OR jsonb_typeof(p_items) <> 'array' THEN
            RETURN vete.store_error('INVALID_ITEMS', 'Los artículos deben ser un arreglo JSON.',
                jsonb_build_object('invalid_items', '[]'::jsonb));
        END IF;
        IF jsonb_array_length(p_items) > 50 THEN
            RETURN vete.store_error('TOO_MANY_ITEMS',
                format('Máximo 50 líneas por carrito; se recibieron %s.', jsonb_array_length(p_items)),
                jsonb_build_object('invalid_items', (
                    SELECT jsonb_agg(jsonb_build_object(
                        'index', e.pos - 1, 'id', e.item -> 'id', 'type', e.item -> 'type',
                        'reason', 'LINE_LIMIT') ORDER BY e.pos)
                    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e (item, pos)
                    WHERE e.pos > 50)));
        END IF;

        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
           FOR UPDATE;
        v_exists := FOUND;
        LOOP
            v_old_count := jsonb_array_length(coalesce(v_cart.items, '[]'::jsonb));
            -- Old lines first (positions 1..v_old_count), then the new ones.
            v_all := coalesce(v_cart.items, '[]'::jsonb) || p_items;

            WITH shaped AS (
                SELECT e.pos, e.item, e.pos > v_old_count AS is_new,
                       CASE
                           WHEN e.pos <= v_old_count THEN NULL  -- stored lines are ours
                           WHEN jsonb_typeof(e.item) <> 'object' THEN 'NOT_AN_OBJECT'
                           WHEN e.item -> 'id' IS NULL OR e.item -> 'id' = 'null'::jsonb
                               THEN 'MISSING_ID'
                           WHEN jsonb_typeof(e.item -> 'id') <> 'string'
                                OR length(e.item ->> 'id') NOT BETWEEN 1 AND 200 THEN 'INVALID_ID'
                           WHEN e.item -> 'type' IS NULL OR e.item -> 'type' = 'null'::jsonb
                               THEN 'MISSING_TYPE'
                           WHEN coalesce(e.item ->> 'type', '') NOT IN ('product', 'service')
                               THEN 'INVALID_TYPE'
                           WHEN vete.store_new_quantity(e.item, p_policy) IS NULL
                               THEN 'INVALID_QUANTITY'
                       END AS shape,
                       c.line_id, c.line_name, c.line_price, c.available, c.problem
                FROM jsonb_array_elements(v_all) WITH ORDINALITY AS e (item, pos)
                JOIN vete.store_catalog(p_tenant_id, p_customer_id, v_all) c ON c.ord = e.pos
            ), lines AS (
                SELECT s.*,
                       CASE
                           WHEN s.is_new AND s.shape IS NULL
                               THEN vete.store_new_quantity(s.item, p_policy)
                           WHEN s.is_new THEN NULL
                           ELSE vete.store_stored_quantity(s.item)
                       END AS qty
                FROM shaped s
            ), folded AS (
                -- One group per product or service line, however its id was spelled; a
                -- malformed id (refused, or a stored line dropped) groups by its text.
                SELECT coalesce(l.line_id, l.item ->> 'id') AS id, l.item ->> 'type' AS type,
                       min(l.pos) AS k,
                       min(l.qty) FILTER (WHERE NOT l.is_new) AS old_qty,
                       CASE p_policy
                           WHEN 'sum' THEN sum(l.qty) FILTER (WHERE l.is_new)
                           WHEN 'set' THEN (array_agg(l.qty ORDER BY l.pos DESC) FILTER (WHERE l.is_new))[1]
                           ELSE max(l.qty) FILTER (WHERE l.is_new)
                       END::int AS new_qty,
                       (array_agg(l.item) FILTER (WHERE NOT l.is_new))[1] AS old_item,
                       (array_agg(l.item ORDER BY l.pos DESC) FILTER (WHERE l.is_new))[1] AS new_item,
                       min(l.line_name) AS line_name, min(l.line_price) AS line_price,
                       min(l.available) AS available, min(l.problem) AS problem
                FROM lines l
                GROUP BY 1, 2
            ), priced AS (
                SELECT f.*, coalesce(f.new_item, f.old_item) -> 'price' AS shown_price,
                       vete.store_requested(p_policy, f.old_qty, f.new_qty) AS requested
                FROM folded f
            ), clamped AS (
                SELECT p.*,
                       vete.store_clamped(p.requested, p.available, p.problem) AS qty
                FROM priced p
            ), judged AS (
                SELECT r.*,
                       r.qty > 0 AND r.line_rank <= 50 AS kept,
                       vete.store_adjustment_reasons(r.requested, r.qty, r.available, r.problem,
                                                     r.line_rank > 50, r.shown_price, r.line_price)
                           AS reasons
                FROM (SELECT c.*, row_number() OVER (PARTITION BY c.qty > 0 ORDER BY c.k) AS line_rank
                      FROM clamped c) r
            )
            SELECT
                (SELECT jsonb_agg(jsonb_build_object(
                            'index', l.pos - v_old_count - 1, 'id', l.item -> 'id',
                            'type', l.item -> 'type', 'reason', coalesce(l.shape, l.problem))
                            ORDER BY l.pos)
                   FROM lines l WHERE l.is_new AND coalesce(l.shape, l.problem) IS NOT NULL),
                (SELECT bool_or(coalesce(l.shape, l.problem) IN ('NOT_AN_OBJECT', 'MISSING_ID',
                            'INVALID_ID', 'MISSING_TYPE', 'INVALID_TYPE', 'INVALID_QUANTITY'))
                   FROM lines l WHERE l.is_new),
                coalesce(jsonb_agg(
                    jsonb_build_object('id', j.id, 'type', j.type, 'name', j.line_name,
                                       'price', j.line_price, 'quantity', j.qty)
                    ORDER BY j.k) FILTER (WHERE j.kept), '[]'::jsonb),
                coalesce(jsonb_agg(jsonb_build_object(
                    'id', j.id, 'type', j.type, 'requested_quantity', j.requested,
                    'quantity', CASE WHEN j.kept THEN j.qty ELSE 0 END,
                    'client_price', j.shown_price, 'price', j.line_price,
                    'reasons', to_jsonb(j.reasons))
                    ORDER BY j.k) FILTER (WHERE cardinality(j.reasons) > 0), '[]'::jsonb),
                coalesce(sum(j.qty) FILTER (WHERE j.kept), 0)::int,
                coalesce(sum(j.qty * j.line_price) FILTER (WHERE j.kept), 0)
              INTO v_bad, v_shape_bad, v_items, v_adjustments, v_total_quantity, v_total
              FROM judged j;

            IF v_bad IS NOT NULL THEN
                IF v_shape_bad THEN
                    RETURN vete.store_error('INVALID_ITEMS',
                        format('%s artículo(s) mal formado(s) o con cantidad inválida.',
                               jsonb_array_length(v_bad)),
                        jsonb_build_object('invalid_items', v_bad));
                END IF;
                RETURN vete.store_error('ITEM_NOT_FOUND',
                    format('%s artículo(s) no disponible(s) en esta clínica.', jsonb_array_length(v_bad)),
                    jsonb_build_object('invalid_items', v_bad));
            END IF;

            IF v_exists THEN
                UPDATE public.store_carts c
                   SET items = v_items, version = c.version + 1, updated_at = now()
                 WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id
                RETURNING * INTO v_cart;
                EXIT;
            END IF;
            INSERT INTO public.store_carts (tenant_id, customer_id, items, version)
            VALUES (p_tenant_id, p_customer_id, v_items, 1)
            ON CONFLICT (customer_id, tenant_id) DO NOTHING
            RETURNING * INTO v_cart;
            EXIT WHEN FOUND;
            -- Another device created this cart first: lock its row and merge onto it.
            SELECT * INTO STRICT v_cart FROM public.store_carts c
             WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
               FOR UPDATE;
            v_exists := true;
        END LOOP;

        RETURN vete.store_merge_answer(v_cart.items, v_cart.id, v_cart.version, v_adjustments,
                                       v_total_quantity, v_total, p_policy);
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) IS
    'Merge engine: lock the cart (or create it race-free), validate and fold lines by (canonical id, type) with max/sum/set, '
    're-price, clamp, store the five known keys, report adjustments.';

REVOKE ALL ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) TO service_role;
