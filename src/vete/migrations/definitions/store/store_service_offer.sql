-- What the clinic sells of one service for one pet (issue 15: the service probe of
-- vete.store_catalog, a function of its own as the product probe vete.store_product_offer
-- is, so that on Citus both run as statements of their own).
--
-- Plain SQL with no SET clause, called in FROM (LATERAL) with plain arguments: the planner
-- inlines it into vete.store_catalog, one primary-key probe per line. On a Citus
-- coordinator it runs as PL/pgSQL instead: Citus plans a statement before PostgreSQL
-- inlines its functions, so an inlined probe would read the coordinator's empty shell
-- tables; a PL/pgSQL query is its own statement, routed to the worker holding the clinic.

DO $do$
DECLARE
    v_body text := $body$
                -- An active, not deleted service of the clinic: its name and price, and
                -- whether the pet is this customer's (and not deleted).
                SELECT s.name, s.base_price, EXISTS (
                           SELECT 1 FROM public.pets pt
                           WHERE pt.tenant_id = p_tenant_id AND pt.id = p_pet_id
                             AND pt.owner_id = p_customer_id AND pt.deleted_at IS NULL)
                FROM public.services s
                WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id
                  AND s.is_active AND s.deleted_at IS NULL
                LIMIT 1
            $body$;
    v_language text := 'sql';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        v_body := format('BEGIN RETURN QUERY %s; END', v_body);
        v_language := 'plpgsql';
    END IF;
    EXECUTE format($fn$
        CREATE OR REPLACE FUNCTION vete.store_service_offer(
            p_tenant_id text, p_service_id uuid, p_pet_id uuid, p_customer_id uuid
        )
            RETURNS TABLE (name text, base_price numeric, pet_ok boolean)
            LANGUAGE %s STABLE
            AS %L
        $fn$, v_language, v_body);
END
$do$;

COMMENT ON FUNCTION vete.store_service_offer(text, uuid, uuid, uuid) IS
    'Name and price of a service on offer in a clinic, and whether the pet is the customer''s; no row when it is not offered.';

REVOKE ALL ON FUNCTION vete.store_service_offer(text, uuid, uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_service_offer(text, uuid, uuid, uuid) TO service_role;
