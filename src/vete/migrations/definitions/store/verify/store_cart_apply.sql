-- Verify store_cart_apply (011's checks): bad input is answered with business errors.
DO $$
DECLARE
    r jsonb;
BEGIN
    r := vete.store_cart_apply('zz-vete-verify', gen_random_uuid(), '{"id": 1}'::jsonb, 'max');
    IF r ->> 'error' IS DISTINCT FROM 'INVALID_ITEMS' THEN
        RAISE EXCEPTION 'store_cart_apply accepted a non-array: %', r;
    END IF;
    r := vete.store_cart_apply('zz-vete-verify', gen_random_uuid(),
                               '[{"id": "x", "type": "product", "quantity": 1.5}]'::jsonb, 'sum');
    IF r #>> '{invalid_items,0,reason}' IS DISTINCT FROM 'INVALID_QUANTITY' THEN
        RAISE EXCEPTION 'store_cart_apply accepted quantity 1.5: %', r;
    END IF;
END
$$;
