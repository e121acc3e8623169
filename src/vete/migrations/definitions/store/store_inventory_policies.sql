-- Who sees which stock rows (first in 015; 010's public read was replaced by it).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS store_inventory_on_sale_or_staff ON public.store_inventory;

CREATE POLICY store_inventory_on_sale_or_staff ON public.store_inventory
    FOR SELECT TO anon, authenticated
    USING (
        vete.is_staff_of(tenant_id)
        OR EXISTS (
            SELECT 1 FROM public.store_products p
            WHERE p.tenant_id = store_inventory.tenant_id AND p.id = store_inventory.product_id
              AND p.is_active AND p.deleted_at IS NULL)
    );

COMMENT ON POLICY store_inventory_on_sale_or_staff ON public.store_inventory IS
    'Stock is readable for products on sale (active, not deleted); all of a clinic''s stock by its staff.';
