-- public.set_cart_item_quantity (first in 012).
-- vete:requires store/store_cart_write

CREATE OR REPLACE FUNCTION public.set_cart_item_quantity(
    p_tenant_id text, p_item_id text, p_item_type text, p_quantity int,
    p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        SELECT vete.store_cart_write(p_tenant_id, p_customer_id,
            jsonb_build_array(jsonb_build_object('id', p_item_id, 'type', p_item_type,
                                                 'quantity', p_quantity)),
            'set')
    $$;

COMMENT ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid) IS
    'Sets the quantity of one line of the caller''s cart (0 removes it; a missing line is added).';

REVOKE ALL ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid) TO authenticated, service_role;
