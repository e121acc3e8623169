-- vete.vet_time_off (first in 004).

CREATE OR REPLACE FUNCTION vete.vet_time_off(p_tenant_id text, p_vet_id uuid, p_within tstzrange) RETURNS tstzmultirange
    LANGUAGE plpgsql STABLE
    -- PL/pgSQL so that its plan is cached per session on PostgreSQL 15 too (an SQL
    -- function's body is planned again in every transaction there), and no SET clause (a
    -- SET saves and restores the configuration on every call): booking calls it through
    -- vete.schedule_problem each time. Not SECURITY DEFINER, so a caller's search_path
    -- can only change its own answer; vete's callers pin theirs (pg_catalog, public),
    -- and the tables are schema-qualified.
    AS $$ BEGIN RETURN (
        SELECT coalesce(range_agg(o.period), '{}'::tstzmultirange)
        FROM public.vet_time_off o
        WHERE o.tenant_id = p_tenant_id AND o.vet_id = p_vet_id AND o.period && p_within
    ); END $$;

COMMENT ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) IS 'A vet''s absences overlapping a range.';

REVOKE ALL ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) TO anon, authenticated, service_role;
