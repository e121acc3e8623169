-- vete.store_cart_write (first in 012; the body 014 gave it).
-- vete:requires store/store_cart_apply
-- vete:requires store/store_cart_merge_fast
-- vete:requires store/store_resolve_customer

CREATE OR REPLACE FUNCTION vete.store_cart_write(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Every cart write that adds or changes lines: decide whose cart from the session,
    -- then the fast path, or the merge engine when the fast path declines (NULL).
    DECLARE
        v_who jsonb;
        v_customer uuid;
        v_result jsonb;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        v_customer := (v_who ->> 'customer_id')::uuid;
        v_result := vete.store_cart_merge_fast(p_tenant_id, v_customer, p_items, p_policy);
        IF v_result IS NOT NULL THEN
            RETURN v_result;
        END IF;
        RETURN vete.store_cart_apply(p_tenant_id, v_customer, p_items, p_policy);
    END
    $$;

COMMENT ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) IS
    'Identity check, then the fast path or the merge engine: the body of merge_cart_atomic, add and set quantity.';

REVOKE ALL ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) TO service_role;
