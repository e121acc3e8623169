-- vete race: the calls each client makes (as over Supabase RPC, by named arguments), the
-- setup of each round, and the independent checks that judge it.

-- name: book(tenant, pet, service, vet, start)$
SELECT book_appointment_atomic(
    p_tenant_id => :tenant, p_pet_id => :pet, p_service_id => :service,
    p_vet_id => :vet, p_start_time => :start) AS result;

-- name: reschedule(appointment, start, user_id)$
SELECT reschedule_appointment_atomic(
    p_appointment_id => :appointment, p_new_start_time => :start, p_user_id => :user_id) AS result;

-- name: merge(tenant, customer, items)$
SELECT merge_cart_atomic(
    p_customer_id => :customer, p_tenant_id => :tenant, p_new_items => :items) AS result;

-- name: checkout(tenant, customer, key)$
SELECT checkout_cart(
    p_tenant_id => :tenant, p_idempotency_key => :key, p_customer_id => :customer) AS result;

-- name: seed_appointment(tenant, pet, service, vet, start, minutes)$
-- Setup, not under test: an appointment written straight into the table.
INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes)
VALUES (:tenant, :pet, :service, :vet, :start, :start + make_interval(mins => :minutes), :minutes)
RETURNING id;

-- name: set_stock(tenant, product, stock)!
UPDATE store_inventory SET stock_quantity = :stock, updated_at = now()
WHERE tenant_id = :tenant AND product_id = :product;

-- name: overlapping_pairs(tenant, vet, since, until)$
-- Independent of the exclusion constraint: pairs of active appointments of one vet whose
-- [start, end + buffer) ranges overlap, computed from the raw columns, among those that
-- start in [since, until).
SELECT count(*) AS pairs
FROM appointments a
JOIN appointments b
  ON b.tenant_id = a.tenant_id AND b.vet_id = a.vet_id AND a.id < b.id
 AND a.start_time < b.end_time + make_interval(mins => b.buffer_minutes)
 AND b.start_time < a.end_time + make_interval(mins => a.buffer_minutes)
WHERE a.tenant_id = :tenant AND a.vet_id = :vet
  AND a.status NOT IN ('cancelled', 'no_show') AND a.deleted_at IS NULL
  AND b.status NOT IN ('cancelled', 'no_show') AND b.deleted_at IS NULL
  AND a.start_time >= :since AND a.start_time < :until
  AND b.start_time >= :since AND b.start_time < :until;

-- name: cart_lines(tenant, customer)
-- The customer's cart, line by line, read as the platform.
SELECT l ->> 'id' AS id, l ->> 'type' AS type, (l ->> 'quantity')::int AS quantity
FROM store_carts c CROSS JOIN LATERAL jsonb_array_elements(c.items) AS l
WHERE c.tenant_id = :tenant AND c.customer_id = :customer;

-- name: units_sold(tenant, product, key)$
-- Units of a product sold by the orders of one round (its idempotency key).
SELECT coalesce(sum(i.quantity), 0)::int AS sold
FROM store_orders o
JOIN store_order_items i ON i.tenant_id = o.tenant_id AND i.order_id = o.id
WHERE o.tenant_id = :tenant AND o.idempotency_key = :key AND i.product_id = :product;

-- name: stock_of(tenant, product)$
SELECT stock_quantity FROM store_inventory WHERE tenant_id = :tenant AND product_id = :product;
