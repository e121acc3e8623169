-- name: merge_cart_atomic(customer_id, tenant_id, new_items, policy)$
-- Login merge through the original's contract; returns the function's JSON.
SELECT public.merge_cart_atomic(
    p_customer_id => :customer_id,
    p_tenant_id => :tenant_id,
    p_new_items => :new_items,
    p_policy => :policy
) AS result;

-- name: get_cart(tenant_id, customer_id)$
-- The cart of the session's customer (or, for the platform, of customer_id).
SELECT public.get_cart(p_tenant_id => :tenant_id, p_customer_id => :customer_id) AS result;

-- name: add_cart_item(tenant_id, item, customer_id)$
-- Adds units of one line (sum).
SELECT public.add_cart_item(
    p_tenant_id => :tenant_id, p_item => :item, p_customer_id => :customer_id
) AS result;

-- name: set_cart_item_quantity(tenant_id, item_id, item_type, quantity, customer_id)$
-- Sets one line's quantity; 0 removes it.
SELECT public.set_cart_item_quantity(
    p_tenant_id => :tenant_id,
    p_item_id => :item_id,
    p_item_type => :item_type,
    p_quantity => :quantity,
    p_customer_id => :customer_id
) AS result;

-- name: remove_cart_item(tenant_id, item_id, item_type, customer_id)$
-- Removes one line by (id, type).
SELECT public.remove_cart_item(
    p_tenant_id => :tenant_id,
    p_item_id => :item_id,
    p_item_type => :item_type,
    p_customer_id => :customer_id
) AS result;

-- name: clear_cart(tenant_id, customer_id)$
-- Empties the cart.
SELECT public.clear_cart(p_tenant_id => :tenant_id, p_customer_id => :customer_id) AS result;
