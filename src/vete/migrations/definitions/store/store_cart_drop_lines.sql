-- vete.store_cart_drop_lines (first in 012; the body 015 gave it).
-- vete:requires store/store_cart_json
-- vete:requires store/store_error
-- vete:requires store/store_line_id
-- vete:requires store/store_lock_cart
-- vete:requires store/store_resolve_customer

CREATE OR REPLACE FUNCTION vete.store_cart_drop_lines(
    p_tenant_id text, p_customer_id uuid, p_item_id text, p_item_type text, p_all boolean
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Removes one line by (id, type), or every line when p_all; ids are compared in their
    -- canonical spelling (vete.store_line_id), so "…C5B" removes the line of "…c5b".
    -- Removing a line that is not there is not an error (another device may have removed
    -- it first): removed:false. Unlike a merge it does not consult the catalog, so a
    -- withdrawn product's line can go. The lines left are written back as a merge writes
    -- them: canonical ids, the known keys only (a row written before 015 may hold others).
    DECLARE
        v_who jsonb;
        v_cart public.store_carts;
        v_target text;
        v_items jsonb;
        v_before int;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        IF NOT coalesce(p_all, false) AND (p_item_id IS NULL OR p_item_type IS NULL) THEN
            RETURN vete.store_error('INVALID_ITEMS', 'Falta el id o el tipo del artículo.');
        END IF;
        v_target := coalesce(vete.store_line_id(p_item_id, p_item_type), p_item_id);
        v_cart := vete.store_lock_cart(p_tenant_id, (v_who ->> 'customer_id')::uuid);
        SELECT coalesce(jsonb_agg(
                   CASE WHEN jsonb_typeof(k.item) = 'object'
                        THEN jsonb_strip_nulls(jsonb_build_object(
                                 'id', coalesce(to_jsonb(k.line_id), k.item -> 'id'),
                                 'type', k.item -> 'type', 'name', k.item -> 'name',
                                 'price', k.item -> 'price', 'quantity', k.item -> 'quantity'))
                        ELSE k.item END
                   ORDER BY k.pos), '[]'::jsonb)
          INTO v_items
          FROM (SELECT e.item, e.pos,
                       vete.store_line_id(e.item ->> 'id', e.item ->> 'type') AS line_id
                  FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
                OFFSET 0) k
         WHERE NOT coalesce(p_all, false)
           AND (coalesce(k.line_id, k.item ->> 'id'), k.item ->> 'type')
               IS DISTINCT FROM (v_target, p_item_type);
        v_before := jsonb_array_length(v_cart.items);
        UPDATE public.store_carts c
           SET items = v_items, version = c.version + 1, updated_at = now()
         WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id
        RETURNING * INTO v_cart;
        RETURN vete.store_cart_json(v_cart, jsonb_build_object(
            'removed', jsonb_array_length(v_items) < v_before, 'adjustments', '[]'::jsonb));
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) IS
    'Identity check, lock, then remove one line (canonical id, type) or all lines: the body of remove and clear.';

REVOKE ALL ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) TO service_role;
