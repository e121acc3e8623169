-- vete.store_cart_json (first in 011).

CREATE OR REPLACE FUNCTION vete.store_cart_json(p_cart public.store_carts, p_extra jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    -- The original's success keys (success, items, item_count) plus vete's extras.
    -- PL/pgSQL rather than SQL: its plan is cached per session on PostgreSQL 15 too.
    DECLARE
        v_items jsonb := coalesce(p_cart.items, '[]'::jsonb);
    BEGIN
        RETURN jsonb_build_object(
            'success', true,
            'items', v_items,
            'item_count', jsonb_array_length(v_items),
            'total_quantity', (SELECT coalesce(sum((l ->> 'quantity')::int), 0)
                               FROM jsonb_array_elements(v_items) l),
            'total', (SELECT coalesce(sum((l ->> 'price')::numeric * (l ->> 'quantity')::int), 0)
                      FROM jsonb_array_elements(v_items) l),
            'cart_id', p_cart.id,
            'version', coalesce(p_cart.version, 0)
        ) || coalesce(p_extra, '{}'::jsonb);
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) IS
    'A cart as the success JSON every cart function returns: items, item_count, totals, version.';

REVOKE ALL ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) TO service_role;
