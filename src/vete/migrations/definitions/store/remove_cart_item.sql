-- public.remove_cart_item (first in 012).
-- vete:requires store/store_cart_drop_lines

CREATE OR REPLACE FUNCTION public.remove_cart_item(
    p_tenant_id text, p_item_id text, p_item_type text, p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_drop_lines(p_tenant_id, p_customer_id, p_item_id, p_item_type, false) $$;

COMMENT ON FUNCTION public.remove_cart_item(text, text, text, uuid) IS
    'Removes one line (id, type) from the caller''s cart; removing a missing line succeeds with removed:false.';

REVOKE ALL ON FUNCTION public.remove_cart_item(text, text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.remove_cart_item(text, text, text, uuid) TO authenticated, service_role;
