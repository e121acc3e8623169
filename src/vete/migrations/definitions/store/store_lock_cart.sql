-- vete.store_lock_cart (first in 011).

CREATE OR REPLACE FUNCTION vete.store_lock_cart(p_tenant_id text, p_customer_id uuid)
    RETURNS public.store_carts
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The fix for the original's lost items: with no cart row, SELECT ... FOR UPDATE locks
    -- nothing and concurrent first merges overwrite each other. So make sure the row exists
    -- (INSERT ... ON CONFLICT DO NOTHING waits for a concurrent inserter and then does
    -- nothing), then lock it; every writer of this cart queues on that one row lock.
    DECLARE
        v_cart public.store_carts;
    BEGIN
        IF p_tenant_id IS NULL OR p_customer_id IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
           FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO public.store_carts (tenant_id, customer_id)
            VALUES (p_tenant_id, p_customer_id)
            ON CONFLICT (customer_id, tenant_id) DO NOTHING;
            SELECT * INTO STRICT v_cart FROM public.store_carts c
             WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
               FOR UPDATE;
        END IF;
        RETURN v_cart;
    END
    $$;

COMMENT ON FUNCTION vete.store_lock_cart(text, uuid) IS
    'Creates the customer''s cart row if missing, then locks it FOR UPDATE and returns it.';

REVOKE ALL ON FUNCTION vete.store_lock_cart(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_lock_cart(text, uuid) TO service_role;
