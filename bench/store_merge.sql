-- name: create_bench_shop(customers, products)$
-- One clinic with customers and products with plenty of stock; returns the product ids.
WITH tenant AS (
    INSERT INTO tenants (id, name) VALUES ('bench', 'Bench') RETURNING id
), people AS (
    INSERT INTO profiles (tenant_id, id, role, full_name)
    SELECT 'bench', gen_random_uuid(), 'owner', 'Owner ' || g
    FROM generate_series(1, :customers) g
    RETURNING id
), goods AS (
    INSERT INTO store_products (tenant_id, sku, name, price)
    SELECT 'bench', 'B-' || g, 'Product ' || g, 1000 + g FROM generate_series(1, :products) g
    RETURNING tenant_id, id
), stock AS (
    INSERT INTO store_inventory (tenant_id, product_id, stock_quantity)
    SELECT tenant_id, id, 1000000 FROM goods
    RETURNING product_id
)
SELECT jsonb_build_object(
    'customers', (SELECT jsonb_agg(id) FROM people),
    'products', (SELECT jsonb_agg(product_id) FROM stock)
) AS ids;

-- name: merge(customer_id, items)$
-- vete's merge, as the original's callers call it.
SELECT merge_cart_atomic(
    p_customer_id => :customer_id, p_tenant_id => 'bench', p_new_items => :items
) AS result;

-- name: upsert(customer_id, items)!
-- The baseline: write the same JSON with a plain upsert (no validation, no merge).
INSERT INTO store_carts (tenant_id, customer_id, items)
VALUES ('bench', :customer_id, :items)
ON CONFLICT (customer_id, tenant_id) DO UPDATE SET items = EXCLUDED.items;
