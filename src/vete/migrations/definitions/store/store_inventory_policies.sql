-- Who sees which stock rows (first in 015; 010's public read was replaced by it).
-- vete:requires identity/is_staff_of
-- vete:requires identity/policy_helpers

DROP POLICY IF EXISTS store_inventory_on_sale_or_staff ON public.store_inventory;

CREATE POLICY store_inventory_on_sale_or_staff ON public.store_inventory
    FOR SELECT TO anon, authenticated
    USING (
        vete.is_staff_of(tenant_id)
        OR vete.product_on_sale(tenant_id, product_id)
    );

COMMENT ON POLICY store_inventory_on_sale_or_staff ON public.store_inventory IS
    'Stock is readable for products on sale (active, not deleted); all of a clinic''s stock by its staff.';
