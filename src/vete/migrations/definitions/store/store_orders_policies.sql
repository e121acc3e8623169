-- policy store_orders_own_or_staff on public.store_orders (first in 010).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS store_orders_own_or_staff ON public.store_orders;

CREATE POLICY store_orders_own_or_staff ON public.store_orders FOR SELECT TO authenticated
    USING (customer_id = auth.uid() OR vete.is_staff_of(tenant_id));
