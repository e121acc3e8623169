-- 015: the store's part of the security audit (issue 13): one canonical id per product,
-- checkout counting units per product, cart lines of known keys only, and the stock of
-- withdrawn products no longer public.
-- vete:expect-notice vete 015 store hardening ready
-- vete:valid-checksum 97eaf9bfd56d3ccac4d77b96565ad4171fa59ab19ae97db1d0e9cda42df767d6
-- vete:valid-checksum 8e38a83dccce619430735f901ce004bd8d33f89935fd381f22c9d7ac4c1fec8d
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
-- (the stock policy that replaces the public read below, so stock stays readable:)
-- vete:requires store/store_inventory_policies
--
-- Overselling through case variants. PostgreSQL reads a uuid in upper case, in braces,
-- without hyphens or with a hyphen after any four digits, and store_catalog took "…c5b"
-- and "…C5B" as the same product; but the merge grouped lines by the id's raw text, so
-- the variants became separate lines, each clamped to the whole stock, and checkout
-- compared stock per line and decremented it through an UPDATE … FROM that applies one of
-- several source rows: stock 5 sold 20. Now every id is canonical (vete.store_line_id)
-- before it is grouped, stored or compared, in the engine, the fast path (which takes
-- only ids already canonical and leaves the rest to the engine), removal and checkout;
-- and checkout sums the units of each product over its lines, so even a cart row written
-- around the functions (or before this migration) with a product twice cannot oversell.
--
-- Unbounded client data. A cart line is {id, type, name, price, quantity}, the original's
-- contract; any other key the client sent was stored as sent (30 MB was). Every write now
-- stores exactly those five keys. The texts stored as sent are bounded: a line's id (1 to
-- 200 characters, else INVALID_ID) and checkout's idempotency key (1 to 200, else
-- INVALID_INPUT); name and price come from the catalog.
--
-- Stock of withdrawn products. store_inventory was readable by anon and every signed-in
-- user whole (USING (true)); now, like store_products, only the rows of products on sale,
-- and all of them for the clinic's staff.

-- store_catalog also answers each line's canonical id: a new output column, so the old
-- function is dropped here and definitions/store/store_catalog.sql creates the new one
-- (nothing depends on it in the catalog: its callers' bodies are text).
DROP FUNCTION IF EXISTS vete.store_catalog(text, uuid, jsonb);

-- The stock of products on sale is public (the shop shows it); a withdrawn product's is
-- the clinic's staff's, like the product row itself (store_products_public_read).
DROP POLICY IF EXISTS store_inventory_public_read ON public.store_inventory;

DO $$ BEGIN RAISE NOTICE 'vete 015 store hardening ready'; END $$;
