-- public.get_cart (first in 012).
-- vete:requires store/store_cart_json
-- vete:requires store/store_resolve_customer

CREATE OR REPLACE FUNCTION public.get_cart(p_tenant_id text, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- The caller's cart in a clinic (empty when there is none yet); writes nothing.
    DECLARE
        v_who jsonb;
        v_cart public.store_carts;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = (v_who ->> 'customer_id')::uuid AND c.tenant_id = p_tenant_id;
        RETURN vete.store_cart_json(v_cart);
    END
    $$;

COMMENT ON FUNCTION public.get_cart(text, uuid) IS
    'The caller''s cart in a clinic: {success, items, item_count, total, version}.';

REVOKE ALL ON FUNCTION public.get_cart(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_cart(text, uuid) TO authenticated, service_role;
