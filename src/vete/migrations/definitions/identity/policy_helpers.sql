-- What three policies ask about another table (issue 15, migration 020 lists their grants).
--
-- Citus refuses subqueries in the policies of distributed tables; a function call is
-- accepted. These are security invoker, STABLE and without a SET clause, so on a single
-- node the planner inlines them into the policy: the same plan as the subqueries they
-- replace, and row-level security applies to the rows they read, as it did inside the
-- subqueries. String bodies, not SQL-standard ones: those record a dependency on the
-- tables, and the store's and booking's reverts drop their tables. Every name in them
-- is schema-qualified (pg_catalog is searched first), so no search_path can change them.

CREATE OR REPLACE FUNCTION vete.sees_appointment(p_tenant_id text, p_appointment_id uuid)
    RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.appointments a
            WHERE a.tenant_id = p_tenant_id AND a.id = p_appointment_id)
    $$;

COMMENT ON FUNCTION vete.sees_appointment(text, uuid) IS
    'True when the caller may see that appointment (its row-level security decides).';

CREATE OR REPLACE FUNCTION vete.product_on_sale(p_tenant_id text, p_product_id uuid)
    RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.store_products p
            WHERE p.tenant_id = p_tenant_id AND p.id = p_product_id
              AND p.is_active AND p.deleted_at IS NULL)
    $$;

COMMENT ON FUNCTION vete.product_on_sale(text, uuid) IS
    'True when the product is on sale in that clinic (active, not deleted).';

CREATE OR REPLACE FUNCTION vete.sees_order(p_tenant_id text, p_order_id uuid)
    RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
        SELECT EXISTS (
            SELECT 1 FROM public.store_orders o
            WHERE o.tenant_id = p_tenant_id AND o.id = p_order_id)
    $$;

COMMENT ON FUNCTION vete.sees_order(text, uuid) IS
    'True when the caller may see that order (its row-level security decides).';

REVOKE ALL ON FUNCTION vete.sees_appointment(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.sees_appointment(text, uuid) TO authenticated, service_role;
REVOKE ALL ON FUNCTION vete.product_on_sale(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.product_on_sale(text, uuid) TO anon, authenticated, service_role;
REVOKE ALL ON FUNCTION vete.sees_order(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.sees_order(text, uuid) TO authenticated, service_role;
