-- vete.clinic_zone (first in 004).

CREATE OR REPLACE FUNCTION vete.clinic_zone(p_tenant_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    -- PL/pgSQL so that its plan is cached per session on PostgreSQL 15 too (an SQL
    -- function's body is planned again in every transaction there), and no SET clause (a
    -- SET saves and restores the configuration on every call): booking calls it through
    -- vete.schedule_problem each time. Not SECURITY DEFINER, so a caller's search_path
    -- can only change its own answer; vete's callers pin theirs (pg_catalog, public),
    -- and the tables are schema-qualified.
    AS $$ BEGIN RETURN (SELECT t.timezone FROM public.tenants t WHERE t.id = p_tenant_id); END $$;

COMMENT ON FUNCTION vete.clinic_zone(text) IS 'The clinic''s IANA time zone.';

REVOKE ALL ON FUNCTION vete.clinic_zone(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.clinic_zone(text) TO anon, authenticated, service_role;
