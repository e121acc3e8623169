-- policy store_carts_own_or_staff on public.store_carts (first in 010).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS store_carts_own_or_staff ON public.store_carts;

CREATE POLICY store_carts_own_or_staff ON public.store_carts FOR SELECT TO authenticated
    USING (customer_id = auth.uid() OR vete.is_staff_of(tenant_id));
