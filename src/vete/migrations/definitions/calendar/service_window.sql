-- vete.service_window (first in 004).

CREATE OR REPLACE FUNCTION vete.service_window(p_tenant_id text, p_service_id uuid, p_date date) RETURNS tstzmultirange
    LANGUAGE plpgsql STABLE
    -- When a service is offered on a local date: its available_days (ISO weekdays) and
    -- available_start_time/available_end_time when set, else the whole day; NULL when the
    -- clinic has no such service.
    -- PL/pgSQL so that its plan is cached per session on PostgreSQL 15 too (an SQL
    -- function's body is planned again in every transaction there), and no SET clause (a
    -- SET saves and restores the configuration on every call): booking calls it through
    -- vete.schedule_problem each time. Not SECURITY DEFINER, so a caller's search_path
    -- can only change its own answer; vete's callers pin theirs (pg_catalog, public),
    -- and the tables are schema-qualified.
    AS $$ BEGIN RETURN (
        SELECT CASE
            WHEN s.available_days IS NOT NULL
                 AND NOT (extract(isodow FROM p_date)::int = ANY (s.available_days))
                THEN '{}'::tstzmultirange
            ELSE tstzmultirange(tstzrange(
                (p_date + coalesce(s.available_start_time, time '00:00')) AT TIME ZONE t.timezone,
                CASE WHEN s.available_end_time IS NULL
                     THEN (p_date + 1)::timestamp AT TIME ZONE t.timezone
                     ELSE (p_date + s.available_end_time) AT TIME ZONE t.timezone END,
                '[)'))
        END
        FROM public.services s
        JOIN public.tenants t ON t.id = s.tenant_id
        WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id
    ); END $$;

COMMENT ON FUNCTION vete.service_window(text, uuid, date) IS
    'When a service may be booked on a local date (its days and hours), as instants.';

REVOKE ALL ON FUNCTION vete.service_window(text, uuid, date) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.service_window(text, uuid, date) TO anon, authenticated, service_role;
