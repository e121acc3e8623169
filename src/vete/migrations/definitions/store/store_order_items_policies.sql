-- policy store_order_items_own_or_staff on public.store_order_items (first in 010).
-- vete:requires identity/policy_helpers

DROP POLICY IF EXISTS store_order_items_own_or_staff ON public.store_order_items;

CREATE POLICY store_order_items_own_or_staff ON public.store_order_items FOR SELECT TO authenticated
    USING (vete.sees_order(tenant_id, order_id));
