-- Revert 010: drop the store's tables. This deletes every cart, order and product row;
-- the deployer backs up before it runs a revert.
-- Its functions, triggers and policies live in definitions/ and are left as they are (a
-- definition file is their one current source, docs/deploy.md "Definitions"); those on
-- its tables go with the tables.
-- vete.store_cart_json takes a cart row and vete.store_lock_cart returns one (both
-- definitions): they cannot outlive the table, and the next deploy applies them again.
DROP FUNCTION IF EXISTS vete.store_cart_json(public.store_carts, jsonb);
DROP FUNCTION IF EXISTS vete.store_lock_cart(text, uuid);
DROP TABLE public.store_order_items;
DROP TABLE public.store_orders;
DROP TABLE public.store_carts;
DROP TABLE public.store_inventory;
DROP TABLE public.store_products;
