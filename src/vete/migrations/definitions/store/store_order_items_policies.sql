-- policy store_order_items_own_or_staff on public.store_order_items (first in 010).

DROP POLICY IF EXISTS store_order_items_own_or_staff ON public.store_order_items;

CREATE POLICY store_order_items_own_or_staff ON public.store_order_items FOR SELECT TO authenticated
    USING (EXISTS (
        SELECT 1 FROM public.store_orders o
        WHERE o.tenant_id = store_order_items.tenant_id AND o.id = store_order_items.order_id
    ));
