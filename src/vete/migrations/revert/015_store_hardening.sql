-- Revert 015: 010's public stock policy comes back. The store's functions and
-- store_inventory_on_sale_or_staff live in definitions/ and are left as they are (a
-- definition file is their one current source, docs/deploy.md "Definitions"); go back
-- with `vete db revert --definition`.
CREATE POLICY store_inventory_public_read ON public.store_inventory FOR SELECT TO anon, authenticated
    USING (true);
