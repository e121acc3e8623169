-- Verify 010: every store key carries tenant_id, and the table itself refuses negative stock.
DO $$
DECLARE
    v_missing text;
    v_product uuid;
BEGIN
    SELECT string_agg(c.conname, ', ') INTO v_missing
      FROM pg_constraint c
     WHERE c.conrelid IN ('public.store_products'::regclass, 'public.store_inventory'::regclass,
                          'public.store_carts'::regclass, 'public.store_orders'::regclass,
                          'public.store_order_items'::regclass)
       AND c.contype IN ('p', 'u', 'f')
       AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                        WHERE a.attrelid = c.conrelid AND a.attname = 'tenant_id'
                          AND a.attnum = ANY (c.conkey));
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'store keys without tenant_id: %', v_missing;
    END IF;

    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify', 'verify 010');
    INSERT INTO public.store_products (tenant_id, sku, name, price)
    VALUES ('zz-vete-verify', 'V-010', 'verify', 1) RETURNING id INTO v_product;
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    VALUES ('zz-vete-verify', v_product, 1);
    BEGIN
        UPDATE public.store_inventory SET stock_quantity = stock_quantity - 2
         WHERE tenant_id = 'zz-vete-verify' AND product_id = v_product;
        RAISE EXCEPTION 'store_inventory accepted a negative stock_quantity';
    EXCEPTION WHEN check_violation THEN
        NULL;  -- what we want: the table refuses it
    END;
END
$$;
