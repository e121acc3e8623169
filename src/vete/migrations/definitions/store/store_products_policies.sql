-- policy store_products_public_read on public.store_products (first in 010).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS store_products_public_read ON public.store_products;

CREATE POLICY store_products_public_read ON public.store_products FOR SELECT TO anon, authenticated
    USING ((is_active AND deleted_at IS NULL) OR vete.is_staff_of(tenant_id));
