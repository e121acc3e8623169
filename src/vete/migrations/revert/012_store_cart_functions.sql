-- Revert 012: drop the public cart functions, each by its exact signature.
-- On a database that had the original's merge_cart_atomic(uuid, text, jsonb) before 012,
-- this file cannot bring that definition back: `vete db revert` restores the definition
-- the deployer recorded when 012 replaced it.
DROP FUNCTION public.clear_cart(text, uuid);
DROP FUNCTION public.remove_cart_item(text, text, text, uuid);
DROP FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid);
DROP FUNCTION public.add_cart_item(text, jsonb, uuid);
DROP FUNCTION public.get_cart(text, uuid);
DROP FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text);
DROP FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean);
DROP FUNCTION vete.store_cart_write(text, uuid, jsonb, text);
