-- Verify store_lock_cart (011's check): NULLs lock nothing.
DO $$
BEGIN
    IF vete.store_lock_cart(NULL, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'store_lock_cart(NULL, NULL) returned a cart';
    END IF;
END
$$;
