-- vete-adopt 008: order lines of the original's global products. vete's store_order_items
-- (created by 007, from vete's 010) names its product by (tenant_id, product_id), a key a
-- global product (tenant_id NULL, priced per clinic through clinic_product_assignments)
-- never has, so its checkout would fail. On an adopted database a line names its product by
-- the original's primary key, id, as the original's own order lines do. The clinic's
-- prices and stock are vete.store_product_offer's (definitions/store, the adopted form).
-- vete:expect-notice vete-adopt 008 global products sold
--
-- store_order_items is vete's table, new at adopt (empty, or as small as the orders taken
-- since): the check of the new key is short, and done after the swap under SHARE UPDATE
-- EXCLUSIVE (NOT VALID, then VALIDATE), so no reader or writer of store_products waits for it.

ALTER TABLE public.store_order_items
    DROP CONSTRAINT store_order_items_tenant_id_product_id_fkey,
    ADD CONSTRAINT store_order_items_product_id_fkey
        FOREIGN KEY (product_id) REFERENCES public.store_products (id) NOT VALID;
ALTER TABLE public.store_order_items VALIDATE CONSTRAINT store_order_items_product_id_fkey;
COMMENT ON CONSTRAINT store_order_items_product_id_fkey ON public.store_order_items IS
    'The product sold, by the original''s key: a clinic''s own product or a global one (added by vete db adopt).';

DO $$ BEGIN RAISE NOTICE 'vete-adopt 008 global products sold'; END $$;
