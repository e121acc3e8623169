-- Revert 011: drop the store's internal functions (012 and 013 must be reverted first).
DROP FUNCTION vete.store_cart_apply(text, uuid, jsonb, text);
DROP FUNCTION vete.store_cart_json(public.store_carts, jsonb);
DROP FUNCTION vete.store_lock_cart(text, uuid);
DROP FUNCTION vete.store_catalog(text, uuid, jsonb);
DROP FUNCTION vete.store_resolve_customer(text, uuid);
DROP FUNCTION vete.store_error(text, text, jsonb);
