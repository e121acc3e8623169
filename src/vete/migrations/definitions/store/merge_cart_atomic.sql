-- public.merge_cart_atomic (first in 012).
-- vete:requires identity/session_role
-- vete:requires store/store_cart_apply
-- vete:requires store/store_cart_merge_fast
-- vete:requires store/store_cart_write
-- vete:requires store/store_error

CREATE OR REPLACE FUNCTION public.merge_cart_atomic(
    p_customer_id uuid,
    p_tenant_id text,
    p_new_items jsonb,
    p_policy text DEFAULT 'max'
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- Login merge: fold a device's cart into the account cart. The original's named
    -- arguments and keys {success, items, item_count}, plus adjustments, totals and
    -- version. p_policy 'max' (default, as the original) or 'sum'. PL/pgSQL so that the
    -- hot path's plans are cached per session on PostgreSQL 15 as well.
    BEGIN
        IF coalesce(p_policy, 'max') NOT IN ('max', 'sum') THEN
            RETURN vete.store_error('INVALID_POLICY',
                format('Política de combinación desconocida: %s (use max o sum).', p_policy));
        END IF;
        RETURN vete.store_cart_write(p_tenant_id, p_customer_id, p_new_items,
                                     coalesce(p_policy, 'max'));
    END
    $$;

COMMENT ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) IS
    'Merges items into the customer''s cart atomically (row created, then locked); policy max or sum; '
    'prices from the catalog; clamps to stock, 100 per line, 50 lines. Returns {success, items, item_count, adjustments}.';

REVOKE ALL ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) TO authenticated, service_role;
