-- vete-adopt 007: the store. Carts gain a version, products vete's key, the orders tables
-- are created, and vete's cart and checkout functions (its 011-013) replace the original
-- merge_cart_atomic.
-- vete:expect-notice vete-adopt 007 store adopted

ALTER TABLE public.store_products ADD CONSTRAINT store_products_tenant_id_id_key UNIQUE (tenant_id, id);
COMMENT ON CONSTRAINT store_products_tenant_id_id_key ON public.store_products IS
    'vete''s key (tenant_id, id) beside the original primary key: target of order lines.';
ALTER TABLE public.store_carts ADD COLUMN version bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN public.store_carts.version IS 'Counts the cart''s writes in the order they happened.';

-- adopt:include 010

DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    FOR v_fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proname = 'merge_cart_atomic'
    LOOP
        EXECUTE format('DROP FUNCTION %s', v_fn);
    END LOOP;
END
$$;

-- adopt:include 011
-- adopt:include 012
-- adopt:include 013

DO $$ BEGIN RAISE NOTICE 'vete-adopt 007 store adopted'; END $$;
