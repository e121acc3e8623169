-- vete-adopt 008 holds: order lines reference the product by its own key, and that key is
-- validated.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conrelid = 'public.store_order_items'::regclass
          AND conname = 'store_order_items_product_id_fkey' AND contype = 'f' AND convalidated
    ) THEN
        RAISE EXCEPTION 'store_order_items_product_id_fkey is missing or not validated';
    END IF;
END
$$;
