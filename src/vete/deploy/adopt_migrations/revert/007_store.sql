-- Revert vete-adopt 007: vete's store functions and order tables go, and with them the
-- baseline adopt recorded for vete's own migrations; the deployer then restores the
-- original merge_cart_atomic it recorded. Carts, products and stock rows stay.
-- adopt:include 013
-- adopt:include 012
-- adopt:include 011
DROP POLICY IF EXISTS store_products_public_read ON public.store_products;
DROP POLICY IF EXISTS store_inventory_public_read ON public.store_inventory;
DROP POLICY IF EXISTS store_carts_own_or_staff ON public.store_carts;
-- adopt:include 010
ALTER TABLE public.store_carts DROP COLUMN version;
DROP TRIGGER store_products_price ON public.store_products;
DROP FUNCTION vete.store_products_price();
ALTER TABLE public.store_products DROP COLUMN price;
ALTER TABLE public.store_products DROP CONSTRAINT store_products_tenant_id_id_key;
DELETE FROM vete.schema_migrations WHERE migration_set = 'vete' AND created ->> 'baseline' = 'vete-adopt';
