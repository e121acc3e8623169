-- vete.store_order_json (first in 013).

CREATE OR REPLACE FUNCTION vete.store_order_json(p_tenant_id text, p_order_id uuid, p_replayed boolean)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    BEGIN
        -- PL/pgSQL, not SQL (issue 15): Citus cannot plan an SQL function's query on a
        -- distributed table whose clinic is a parameter ("could not create distributed
        -- plan"); PL/pgSQL binds the value first. It had a SET clause, so it was never
        -- inlined: a single node plans it once per session now instead of once per call.
        RETURN (SELECT jsonb_build_object(
            'success', true,
            'order_id', o.id,
            'status', o.status,
            'total', o.total,
            'item_count', o.item_count,
            'idempotency_key', o.idempotency_key,
            'created_at', o.created_at,
            'replayed', coalesce(p_replayed, false),
            'items', (
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'id', l.item_id, 'type', l.item_type, 'name', l.name,
                    'price', l.unit_price, 'quantity', l.quantity, 'line_total', l.line_total)
                    ORDER BY l.line_no), '[]'::jsonb)
                FROM public.store_order_items l
                WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id))
        FROM public.store_orders o
        WHERE o.tenant_id = p_tenant_id AND o.id = p_order_id);
    END
    $$;

COMMENT ON FUNCTION vete.store_order_json(text, uuid, boolean) IS
    'An order as checkout_cart''s success JSON: order_id, status, total, items, replayed.';

REVOKE ALL ON FUNCTION vete.store_order_json(text, uuid, boolean) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_order_json(text, uuid, boolean) TO service_role;
