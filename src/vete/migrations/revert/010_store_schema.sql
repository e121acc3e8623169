-- Revert 010: drop the store's tables. This deletes every cart, order and product row;
-- the deployer backs up before it runs a revert. 011-013 must be reverted first.
DROP TABLE public.store_order_items;
DROP TABLE public.store_orders;
DROP TABLE public.store_carts;
DROP TABLE public.store_inventory;
DROP TABLE public.store_products;
