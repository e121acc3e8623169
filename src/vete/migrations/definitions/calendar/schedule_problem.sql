-- vete.schedule_problem (first in 004).
-- vete:requires booking/failure
-- vete:requires calendar/local_date
-- vete:requires calendar/service_window
-- vete:requires calendar/vet_time_off
-- vete:requires calendar/vet_weekly

CREATE OR REPLACE FUNCTION vete.schedule_problem(
    p_tenant_id text, p_vet_id uuid, p_service_id uuid, p_start timestamptz, p_end timestamptz
) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog
    AS $$
    DECLARE
        v_day date := vete.local_date(p_tenant_id, p_start);  -- NULL: no such clinic
        v_span tstzrange := CASE WHEN p_end > p_start THEN tstzrange(p_start, p_end, '[)') END;
    BEGIN
        -- NULL when [p_start, p_end) may be booked as far as the calendar goes (overlap with
        -- other appointments is checked under the vet lock); else the failure to return.
        -- Each rule is the helper's that availability (get_available_slots) uses, so a
        -- slot it offers is one this accepts: the clinic's local date (local_date), the
        -- vet's shifts and breaks on it (vet_weekly), the service's days and hours
        -- (service_window; none when there is no such service), the vet's absences
        -- (vet_time_off).
        RETURN CASE
            WHEN v_day IS NULL OR v_span IS NULL THEN vete.failure('INVALID_TIME', 'Horario inválido')
            WHEN NOT v_span <@ vete.vet_weekly(p_tenant_id, p_vet_id, v_day, 'work') THEN
                vete.failure('OUTSIDE_WORKING_HOURS', 'El horario está fuera de la jornada del veterinario')
            WHEN NOT coalesce(v_span <@ vete.service_window(p_tenant_id, p_service_id, v_day), false) THEN
                vete.failure('OUTSIDE_SERVICE_HOURS', 'El servicio no se ofrece en ese horario')
            WHEN v_span && vete.vet_weekly(p_tenant_id, p_vet_id, v_day, 'break') THEN
                vete.failure('DURING_BREAK', 'El horario coincide con un descanso del veterinario')
            WHEN v_span && vete.vet_time_off(p_tenant_id, p_vet_id, v_span) THEN
                vete.failure('VET_TIME_OFF', 'El veterinario no está disponible en esa fecha')
        END;
    END
    $$;

COMMENT ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) IS
    'Why a vet cannot take [start, end) for a service by the calendar (hours, service window, breaks, time off), or NULL.';

REVOKE ALL ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) TO service_role;
