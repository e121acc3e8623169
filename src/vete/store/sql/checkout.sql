-- name: checkout_cart(tenant_id, idempotency_key, customer_id)$
-- Places an order from the cart; the same key returns the same order.
SELECT public.checkout_cart(
    p_tenant_id => :tenant_id,
    p_idempotency_key => :idempotency_key,
    p_customer_id => :customer_id
) AS result;
