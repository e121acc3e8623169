-- Verify 012: call merge_cart_atomic as the original's callers do (named arguments) and
-- check what it returns: max by default, sum on request, catalog prices, bad input refused.
DO $$
DECLARE
    v_customer uuid := gen_random_uuid();
    v_product uuid;
    v_item jsonb;
    r jsonb;
BEGIN
    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify', 'verify 012');
    INSERT INTO public.profiles (tenant_id, id, role, full_name)
    VALUES ('zz-vete-verify', v_customer, 'owner', 'verify');
    INSERT INTO public.store_products (tenant_id, sku, name, price)
    VALUES ('zz-vete-verify', 'V-012', 'verify', 10) RETURNING id INTO v_product;
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    VALUES ('zz-vete-verify', v_product, 50);
    v_item := jsonb_build_object('id', v_product, 'type', 'product', 'name', 'x', 'price', 1,
                                 'quantity', 3);

    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify',
                                  p_new_items => jsonb_build_array(v_item));
    IF NOT (r ? 'success' AND r ? 'items' AND r ? 'item_count')
       OR r #>> '{items,0,quantity}' <> '3' OR (r #>> '{items,0,price}')::numeric <> 10 THEN
        RAISE EXCEPTION 'merge_cart_atomic first merge: %', r;
    END IF;
    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify',
                                  p_new_items => jsonb_build_array(v_item || '{"quantity": 2}'));
    IF r #>> '{items,0,quantity}' <> '3' THEN
        RAISE EXCEPTION 'merge_cart_atomic max policy: %', r;
    END IF;
    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify',
                                  p_new_items => jsonb_build_array(v_item || '{"quantity": 2}'),
                                  p_policy => 'sum');
    IF r #>> '{items,0,quantity}' <> '5' OR (r ->> 'item_count')::int <> 1 THEN
        RAISE EXCEPTION 'merge_cart_atomic sum policy: %', r;
    END IF;
    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify',
                                  p_new_items => '[{"type": "product", "quantity": 1}]');
    IF r ->> 'error' IS DISTINCT FROM 'INVALID_ITEMS' THEN
        RAISE EXCEPTION 'merge_cart_atomic accepted an item without id: %', r;
    END IF;
END
$$;
