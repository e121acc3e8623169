-- vete.vet_weekly (first in 004).

CREATE OR REPLACE FUNCTION vete.vet_weekly(p_tenant_id text, p_vet_id uuid, p_date date, p_kind text)
    RETURNS tstzmultirange
    LANGUAGE plpgsql STABLE
    -- Wall-clock times become instants through the clinic's zone, so a shift keeps its
    -- local hours on the days clocks change (and is an hour shorter or longer when the
    -- change falls inside it).
    -- PL/pgSQL so that its plan is cached per session on PostgreSQL 15 too (an SQL
    -- function's body is planned again in every transaction there), and no SET clause (a
    -- SET saves and restores the configuration on every call): booking calls it through
    -- vete.schedule_problem each time. Not SECURITY DEFINER, so a caller's search_path
    -- can only change its own answer; vete's callers pin theirs (pg_catalog, public),
    -- and the tables are schema-qualified.
    AS $$ BEGIN RETURN (
        SELECT coalesce(range_agg(tstzrange(
                   (p_date + h.starts_at) AT TIME ZONE t.timezone,
                   (p_date + h.ends_at) AT TIME ZONE t.timezone, '[)')),
               '{}'::tstzmultirange)
        FROM public.vet_working_hours h
        JOIN public.tenants t ON t.id = h.tenant_id
        WHERE h.tenant_id = p_tenant_id AND h.vet_id = p_vet_id AND h.kind = p_kind
          AND h.weekday = extract(isodow FROM p_date)
    ); END $$;

COMMENT ON FUNCTION vete.vet_weekly(text, uuid, date, text) IS
    'A vet''s shifts (kind work) or breaks (kind break) on one local date, as instants; adjacent ranges merge.';

REVOKE ALL ON FUNCTION vete.vet_weekly(text, uuid, date, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.vet_weekly(text, uuid, date, text) TO anon, authenticated, service_role;
