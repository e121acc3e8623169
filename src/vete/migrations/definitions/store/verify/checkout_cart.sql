-- Verify checkout_cart (013's checks): a checkout decrements stock once, empties the cart, and a retry with the
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

-- 015's checks: spellings of one product's uuid are one line under its canonical id, with
-- the five known keys only; the fast path declines a spelling it does not take; checkout
-- counts a product's units over every line of a cart written around the functions; and
-- anon reads the stock of products on sale only.
DO $$
DECLARE
    v_customer uuid := gen_random_uuid();
    v_product uuid;
    v_withdrawn uuid;
    v_id text;
    r jsonb;
    v_stock int;
    v_seen int;
    v_distributed boolean := false;
BEGIN
    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify-015', 'verify 015');
    INSERT INTO public.profiles (tenant_id, id, role, full_name)
    VALUES ('zz-vete-verify-015', v_customer, 'owner', 'verify');
    INSERT INTO public.store_products (tenant_id, sku, name, price)
    VALUES ('zz-vete-verify-015', 'V-015', 'verify', 10) RETURNING id INTO v_product;
    INSERT INTO public.store_products (tenant_id, sku, name, price, is_active)
    VALUES ('zz-vete-verify-015', 'V-015-OFF', 'withdrawn', 10, false) RETURNING id INTO v_withdrawn;
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    VALUES ('zz-vete-verify-015', v_product, 5), ('zz-vete-verify-015', v_withdrawn, 9);
    v_id := v_product::text;

    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify-015',
        p_new_items => jsonb_build_array(
            jsonb_build_object('id', v_id, 'type', 'product', 'quantity', 5, 'junk', 'x'),
            jsonb_build_object('id', upper(v_id), 'type', 'product', 'quantity', 5),
            jsonb_build_object('id', '{' || replace(v_id, '-', '') || '}', 'type', 'product',
                               'quantity', 5)),
        p_policy => 'sum');
    IF r -> 'items' IS DISTINCT FROM jsonb_build_array(jsonb_build_object(
           'id', v_id, 'type', 'product', 'name', 'verify', 'price', 10.00, 'quantity', 5)) THEN
        RAISE EXCEPTION 'merge_cart_atomic kept spellings or keys apart: %', r;
    END IF;
    IF vete.store_cart_merge_fast('zz-vete-verify-015', v_customer,
           jsonb_build_array(jsonb_build_object('id', upper(v_id), 'type', 'product',
                                                'quantity', 1)), 'max') IS NOT NULL THEN
        RAISE EXCEPTION 'store_cart_merge_fast answered an id that is not canonical';
    END IF;

    -- A cart row holding the product twice, written around the functions: 6 units of 5.
    UPDATE public.store_carts SET items = jsonb_build_array(
            jsonb_build_object('id', v_id, 'type', 'product', 'quantity', 3),
            jsonb_build_object('id', upper(v_id), 'type', 'product', 'quantity', 3))
     WHERE tenant_id = 'zz-vete-verify-015' AND customer_id = v_customer;
    r := public.checkout_cart(p_tenant_id => 'zz-vete-verify-015', p_idempotency_key => 'verify',
                              p_customer_id => v_customer);
    SELECT stock_quantity INTO v_stock FROM public.store_inventory
     WHERE tenant_id = 'zz-vete-verify-015' AND product_id = v_product;
    IF r ->> 'error' IS DISTINCT FROM 'OUT_OF_STOCK' OR r #>> '{invalid_items,0,requested}' <> '6'
       OR v_stock <> 5 THEN
        RAISE EXCEPTION 'checkout_cart sold 6 units of 5: %, stock %', r, v_stock;
    END IF;

    -- On Citus, rows this transaction wrote cannot be read under another role (017's
    -- verify says why): there tests/citus/test_api_roles.py reads them, committed.
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE $q$SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
                                   WHERE logicalrelid = 'public.store_inventory'::regclass)$q$
           INTO v_distributed;
        IF v_distributed THEN
            RETURN;
        END IF;
    END IF;
    SET LOCAL ROLE anon;
    PERFORM set_config('request.jwt.claims', '{"role": "anon"}', true);
    SELECT count(*) INTO v_seen FROM public.store_inventory WHERE tenant_id = 'zz-vete-verify-015';
    RESET ROLE;
    PERFORM set_config('request.jwt.claims', '', true);
    IF v_seen <> 1 THEN
        RAISE EXCEPTION 'anon reads % stock rows of the clinic, not 1 (the product on sale)', v_seen;
    END IF;
END
$$;
