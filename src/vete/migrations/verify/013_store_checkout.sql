-- Verify 013: a checkout decrements stock once, empties the cart, and a retry with the
-- same key returns the same order without selling again.
DO $$
DECLARE
    v_customer uuid := gen_random_uuid();
    v_product uuid;
    v_first jsonb;
    v_again jsonb;
    v_stock int;
BEGIN
    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify', 'verify 013');
    INSERT INTO public.profiles (tenant_id, id, role, full_name)
    VALUES ('zz-vete-verify', v_customer, 'owner', 'verify');
    INSERT INTO public.store_products (tenant_id, sku, name, price)
    VALUES ('zz-vete-verify', 'V-013', 'verify', 4) RETURNING id INTO v_product;
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    VALUES ('zz-vete-verify', v_product, 5);
    PERFORM public.add_cart_item(p_tenant_id => 'zz-vete-verify', p_customer_id => v_customer,
        p_item => jsonb_build_object('id', v_product, 'type', 'product', 'quantity', 2));

    v_first := public.checkout_cart(p_tenant_id => 'zz-vete-verify', p_idempotency_key => 'verify',
                                    p_customer_id => v_customer);
    v_again := public.checkout_cart(p_tenant_id => 'zz-vete-verify', p_idempotency_key => 'verify',
                                    p_customer_id => v_customer);
    SELECT stock_quantity INTO v_stock FROM public.store_inventory
     WHERE tenant_id = 'zz-vete-verify' AND product_id = v_product;
    IF v_first ->> 'success' IS DISTINCT FROM 'true' OR (v_first ->> 'total')::numeric <> 8
       OR v_again ->> 'order_id' IS DISTINCT FROM v_first ->> 'order_id'
       OR v_again ->> 'replayed' IS DISTINCT FROM 'true' OR v_stock <> 3 THEN
        RAISE EXCEPTION 'checkout_cart: first %, retry %, stock %', v_first, v_again, v_stock;
    END IF;
END
$$;
