-- vete-adopt 007: the store. Carts gain a version, products vete's key, the orders tables
-- are created, and vete's cart and checkout functions (its 011-013) replace the original
-- merge_cart_atomic.
-- vete:expect-notice vete-adopt 007 store adopted

ALTER TABLE public.store_products ADD CONSTRAINT store_products_tenant_id_id_key UNIQUE (tenant_id, id);
COMMENT ON CONSTRAINT store_products_tenant_id_id_key ON public.store_products IS
    'vete''s key (tenant_id, id) beside the original primary key: target of order lines.';
ALTER TABLE public.store_carts ADD COLUMN version bigint NOT NULL DEFAULT 0;

-- vete's store reads one price per product (store_products.price); the original has
-- base_price and, when on offer, sale_price. price is the original's shelf price
-- coalesce(sale_price, base_price), kept so by a trigger on every write; a write of price
-- alone (vete's own tools) sets sale_price, so the two never disagree. The backfill leaves
-- updated_at and every other column as it was (vete.adopt_backfill, adopt 001).
ALTER TABLE public.store_products ADD COLUMN price numeric(12, 2);
COMMENT ON COLUMN public.store_products.price IS
    'vete''s price: coalesce(sale_price, base_price), kept by trigger store_products_price (added by vete db adopt).';
SELECT vete.adopt_backfill('public.store_products', 'price = coalesce(sale_price, base_price)');
CREATE FUNCTION vete.store_products_price() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.price IS NOT NULL AND NEW.sale_price IS NULL THEN
                NEW.sale_price := NEW.price;
            END IF;
        ELSIF NEW.price IS DISTINCT FROM OLD.price
              AND NEW.sale_price IS NOT DISTINCT FROM OLD.sale_price
              AND NEW.base_price IS NOT DISTINCT FROM OLD.base_price THEN
            NEW.sale_price := NEW.price;
        END IF;
        NEW.price := coalesce(NEW.sale_price, NEW.base_price);
        RETURN NEW;
    END
    $$;
COMMENT ON FUNCTION vete.store_products_price() IS
    'Keeps store_products.price = coalesce(sale_price, base_price) on an adopted database.';
REVOKE EXECUTE ON FUNCTION vete.store_products_price() FROM PUBLIC;
CREATE TRIGGER store_products_price BEFORE INSERT OR UPDATE ON public.store_products
    FOR EACH ROW EXECUTE FUNCTION vete.store_products_price();
ALTER TABLE public.store_products ALTER COLUMN price SET NOT NULL;
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
