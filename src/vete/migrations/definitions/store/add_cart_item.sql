-- public.add_cart_item (first in 012).
-- vete:requires store/store_cart_write

CREATE OR REPLACE FUNCTION public.add_cart_item(p_tenant_id text, p_item jsonb, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_write(p_tenant_id, p_customer_id, jsonb_build_array(p_item), 'sum') $$;

COMMENT ON FUNCTION public.add_cart_item(text, jsonb, uuid) IS
    'Adds units of one line {id, type, quantity} to the caller''s cart (sum); concurrent adds all count.';

REVOKE ALL ON FUNCTION public.add_cart_item(text, jsonb, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.add_cart_item(text, jsonb, uuid) TO authenticated, service_role;
