-- What three policies ask about another table (issue 15, migration 020 lists their grants).
--
-- Citus refuses subqueries in the policies of distributed tables; a function call is
-- accepted. These are security invoker, STABLE and without a SET clause, so on a single
-- node the planner inlines them into the policy: the same plan as the subqueries they
-- replace, and row-level security applies to the rows they read, as it did inside the
-- subqueries. String bodies, not SQL-standard ones: those record a dependency on the
-- tables, and the store's and booking's reverts drop their tables. Every name in them
-- is schema-qualified (pg_catalog is searched first), so no search_path can change them.
--
-- Two forms, one body each, picked when this file is applied (as the store's catalog
-- probes): plain SQL, inlined, on one node; PL/pgSQL where the citus extension exists.
-- There a policy runs on the worker holding the clinic's shard, and Citus cannot plan an
-- SQL function's parameterised query on a distributed table ("could not create
-- distributed plan"); a PL/pgSQL statement it can, as a local read of the same clinic's
-- colocated shard (measured: tests/api on the coordinator failed on product_on_sale).

DO $do$
DECLARE
    v_citus boolean := EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus');
    v_helper record;
BEGIN
    FOR v_helper IN
        SELECT * FROM (VALUES
            ('sees_appointment', 'p_appointment_id',
             $q$SELECT EXISTS (
                    SELECT 1 FROM public.appointments a
                    WHERE a.tenant_id = p_tenant_id AND a.id = p_appointment_id)$q$),
            ('product_on_sale', 'p_product_id',
             $q$SELECT EXISTS (
                    SELECT 1 FROM public.store_products p
                    WHERE p.tenant_id = p_tenant_id AND p.id = p_product_id
                      AND p.is_active AND p.deleted_at IS NULL)$q$),
            ('sees_order', 'p_order_id',
             $q$SELECT EXISTS (
                    SELECT 1 FROM public.store_orders o
                    WHERE o.tenant_id = p_tenant_id AND o.id = p_order_id)$q$)
        ) AS h (name, id_arg, query)
    LOOP
        EXECUTE format(
            'CREATE OR REPLACE FUNCTION vete.%I(p_tenant_id text, %I uuid) RETURNS boolean'
            ' LANGUAGE %s STABLE AS %L',
            v_helper.name, v_helper.id_arg,
            CASE WHEN v_citus THEN 'plpgsql' ELSE 'sql' END,
            CASE WHEN v_citus THEN format('BEGIN RETURN (%s); END', v_helper.query)
                 ELSE v_helper.query END);
    END LOOP;
END
$do$;

COMMENT ON FUNCTION vete.sees_appointment(text, uuid) IS
    'True when the caller may see that appointment (its row-level security decides).';
COMMENT ON FUNCTION vete.product_on_sale(text, uuid) IS
    'True when the product is on sale in that clinic (active, not deleted).';
COMMENT ON FUNCTION vete.sees_order(text, uuid) IS
    'True when the caller may see that order (its row-level security decides).';

REVOKE ALL ON FUNCTION vete.sees_appointment(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.sees_appointment(text, uuid) TO authenticated, service_role;
REVOKE ALL ON FUNCTION vete.product_on_sale(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.product_on_sale(text, uuid) TO anon, authenticated, service_role;
REVOKE ALL ON FUNCTION vete.sees_order(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.sees_order(text, uuid) TO authenticated, service_role;
