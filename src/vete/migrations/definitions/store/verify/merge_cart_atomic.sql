-- Verify merge_cart_atomic (012's checks): call merge_cart_atomic as the original's callers do (named arguments) and
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

-- 014's checks: session_role() still says service_role on a direct connection; the fast path
-- answers a plain merge exactly as the engine does on the same cart, declines (NULL)
-- what it does not handle, and merge_cart_atomic goes through it.
DO $$
DECLARE
    v_customer uuid := gen_random_uuid();
    v_product uuid;
    v_item jsonb;
    v_fast jsonb;
    v_engine jsonb;
    r jsonb;
BEGIN
    IF vete.session_role() IS DISTINCT FROM 'service_role' THEN
        RAISE EXCEPTION 'session_role() on a direct connection: %', vete.session_role();
    END IF;
    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify-014', 'verify 014');
    INSERT INTO public.profiles (tenant_id, id, role, full_name)
    VALUES ('zz-vete-verify-014', v_customer, 'owner', 'verify');
    INSERT INTO public.store_products (tenant_id, sku, name, price)
    VALUES ('zz-vete-verify-014', 'V-014', 'verify', 10) RETURNING id INTO v_product;
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    VALUES ('zz-vete-verify-014', v_product, 4);
    v_item := jsonb_build_object('id', v_product, 'type', 'product', 'price', 1, 'quantity', 3);

    -- No cart yet: the fast path declines, merge_cart_atomic creates it through the engine.
    IF vete.store_cart_merge_fast('zz-vete-verify-014', v_customer, jsonb_build_array(v_item), 'max')
       IS NOT NULL THEN
        RAISE EXCEPTION 'store_cart_merge_fast answered for a customer without a cart';
    END IF;
    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify-014',
                                  p_new_items => jsonb_build_array(v_item));
    IF r #>> '{items,0,quantity}' IS DISTINCT FROM '3' THEN
        RAISE EXCEPTION 'merge_cart_atomic first merge: %', r;
    END IF;

    -- Same cart, same call: the engine's answer, then the fast path's, from the same lines.
    v_engine := vete.store_cart_apply('zz-vete-verify-014', v_customer,
                                      jsonb_build_array(v_item || '{"quantity": 2}'), 'sum');
    UPDATE public.store_carts SET items = r -> 'items'
     WHERE tenant_id = 'zz-vete-verify-014' AND customer_id = v_customer;
    v_fast := vete.store_cart_merge_fast('zz-vete-verify-014', v_customer,
                                         jsonb_build_array(v_item || '{"quantity": 2}'), 'sum');
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        IF v_fast IS NOT NULL THEN  -- on Citus the engine answers every merge
            RAISE EXCEPTION 'store_cart_merge_fast answered on Citus: %', v_fast;
        END IF;
    ELSIF v_fast IS NULL OR v_fast - 'version' IS DISTINCT FROM v_engine - 'version'
       OR v_fast #>> '{adjustments,0,reasons}' IS DISTINCT FROM '["STOCK_LIMIT", "PRICE_FROM_CATALOG"]'
       OR (v_fast ->> 'version')::int <> (v_engine ->> 'version')::int + 1 THEN
        RAISE EXCEPTION 'store_cart_merge_fast: % but the engine: %', v_fast, v_engine;
    END IF;

    -- What it leaves to the engine: a bad item, a service line.
    IF vete.store_cart_merge_fast('zz-vete-verify-014', v_customer,
                                  '[{"id": "x", "type": "product", "quantity": 1}]', 'max') IS NOT NULL
       OR vete.store_cart_merge_fast('zz-vete-verify-014', v_customer,
              jsonb_build_array(v_item || '{"type": "service"}'), 'max') IS NOT NULL THEN
        RAISE EXCEPTION 'store_cart_merge_fast answered a call that needs the engine';
    END IF;
    r := public.merge_cart_atomic(p_customer_id => v_customer, p_tenant_id => 'zz-vete-verify-014',
                                  p_new_items => '[{"id": "x", "type": "product", "quantity": 1}]');
    IF r ->> 'error' IS DISTINCT FROM 'ITEM_NOT_FOUND' THEN
        RAISE EXCEPTION 'merge_cart_atomic accepted an unknown product: %', r;
    END IF;
END
$$;
