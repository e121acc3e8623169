-- Revert 013: drop checkout (orders already placed stay in store_orders).
DROP FUNCTION public.checkout_cart(text, text, uuid);
DROP FUNCTION vete.store_order_json(text, uuid, boolean);
