-- vete.schedule_problem (first in 004).
-- vete:requires booking/failure

CREATE OR REPLACE FUNCTION vete.schedule_problem(
    p_tenant_id text, p_vet_id uuid, p_service_id uuid, p_start timestamptz, p_end timestamptz
) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog
    AS $$
    DECLARE
        v_code text;
    BEGIN
        -- NULL when [p_start, p_end) may be booked as far as the calendar goes (overlap with
        -- other appointments is checked under the vet lock); else the failure to return.
        -- The rules of vet_weekly, service_window and vet_time_off (which availability
        -- uses), evaluated in one statement: booking runs this on every call, and one
        -- cached plan of index probes costs a fraction of five nested function calls.
        SELECT CASE
            WHEN d.day IS NULL OR p_end IS NULL OR p_end <= p_start THEN 'INVALID_TIME'
            WHEN NOT d.span <@ (
                SELECT coalesce(range_agg(tstzrange(
                           (d.day + h.starts_at) AT TIME ZONE d.zone,
                           (d.day + h.ends_at) AT TIME ZONE d.zone, '[)')), '{}'::tstzmultirange)
                FROM public.vet_working_hours h
                WHERE h.tenant_id = p_tenant_id AND h.vet_id = p_vet_id AND h.kind = 'work'
                  AND h.weekday = extract(isodow FROM d.day))
                THEN 'OUTSIDE_WORKING_HOURS'
            WHEN NOT coalesce((
                SELECT s.available_days IS NULL OR extract(isodow FROM d.day)::int = ANY (s.available_days)
                FROM public.services s
                WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id
                  AND d.span <@ tstzrange(
                      (d.day + coalesce(s.available_start_time, time '00:00')) AT TIME ZONE d.zone,
                      CASE WHEN s.available_end_time IS NULL
                           THEN (d.day + 1)::timestamp AT TIME ZONE d.zone
                           ELSE (d.day + s.available_end_time) AT TIME ZONE d.zone END,
                      '[)')), false)
                THEN 'OUTSIDE_SERVICE_HOURS'
            WHEN EXISTS (
                SELECT 1 FROM public.vet_working_hours h
                WHERE h.tenant_id = p_tenant_id AND h.vet_id = p_vet_id AND h.kind = 'break'
                  AND h.weekday = extract(isodow FROM d.day)
                  AND d.span && tstzrange((d.day + h.starts_at) AT TIME ZONE d.zone,
                                          (d.day + h.ends_at) AT TIME ZONE d.zone, '[)'))
                THEN 'DURING_BREAK'
            WHEN EXISTS (
                SELECT 1 FROM public.vet_time_off o
                WHERE o.tenant_id = p_tenant_id AND o.vet_id = p_vet_id AND o.period && d.span)
                THEN 'VET_TIME_OFF'
        END
        INTO v_code
        FROM (
            SELECT t.timezone AS zone, (p_start AT TIME ZONE t.timezone)::date AS day,
                   CASE WHEN p_end > p_start THEN tstzrange(p_start, p_end, '[)') END AS span
            FROM (SELECT) AS one
            LEFT JOIN public.tenants t ON t.id = p_tenant_id
        ) d;
        RETURN CASE v_code
            WHEN 'INVALID_TIME' THEN vete.failure(v_code, 'Horario inválido')
            WHEN 'OUTSIDE_WORKING_HOURS' THEN
                vete.failure(v_code, 'El horario está fuera de la jornada del veterinario')
            WHEN 'OUTSIDE_SERVICE_HOURS' THEN vete.failure(v_code, 'El servicio no se ofrece en ese horario')
            WHEN 'DURING_BREAK' THEN
                vete.failure(v_code, 'El horario coincide con un descanso del veterinario')
            WHEN 'VET_TIME_OFF' THEN vete.failure(v_code, 'El veterinario no está disponible en esa fecha')
        END;
    END
    $$;

COMMENT ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) IS
    'Why a vet cannot take [start, end) for a service by the calendar (hours, service window, breaks, time off), or NULL.';

REVOKE ALL ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) TO service_role;
