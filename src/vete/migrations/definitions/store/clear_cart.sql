-- public.clear_cart (first in 012).
-- vete:requires store/store_cart_drop_lines

CREATE OR REPLACE FUNCTION public.clear_cart(p_tenant_id text, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_drop_lines(p_tenant_id, p_customer_id, NULL, NULL, true) $$;

COMMENT ON FUNCTION public.clear_cart(text, uuid) IS
    'Empties the caller''s cart in a clinic (the row stays, for later writers to lock).';

REVOKE ALL ON FUNCTION public.clear_cart(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.clear_cart(text, uuid) TO authenticated, service_role;
