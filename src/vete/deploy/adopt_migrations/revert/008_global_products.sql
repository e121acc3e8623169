-- Revert vete-adopt 008: order lines name their product by vete's (tenant_id, product_id)
-- again. NOT VALID: lines of global products taken meanwhile have no such key, and 007's
-- revert drops the order tables next.
ALTER TABLE public.store_order_items
    DROP CONSTRAINT store_order_items_product_id_fkey,
    ADD CONSTRAINT store_order_items_tenant_id_product_id_fkey
        FOREIGN KEY (tenant_id, product_id) REFERENCES public.store_products (tenant_id, id) NOT VALID;
