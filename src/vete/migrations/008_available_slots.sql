-- 008: get_available_slots — free slots of a clinic's local date for one service.
-- vete:expect-notice vete 008 get_available_slots ready
--
-- Candidates step through each shift from its start (tenants.settings.slot_minutes, default
-- 15) in absolute time, so a shift keeps its wall-clock hours on the days clocks change: no
-- phantom hour in the spring gap, and the repeated autumn hour is offered twice (two real
-- hours). A candidate is offered when the same rules booking applies hold: inside a shift
-- and the service's window, clear of breaks and time off, its blocked range [start, end +
-- buffer) clear of every active appointment, and in the future.

CREATE FUNCTION vete.slot_minutes(p_tenant_id text) RETURNS int
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT CASE WHEN t.settings ->> 'slot_minutes' ~ '^[0-9]{1,3}$'
                    THEN least(greatest((t.settings ->> 'slot_minutes')::int, 5), 240)
                    ELSE 15 END
        FROM public.tenants t WHERE t.id = p_tenant_id
    $$;
COMMENT ON FUNCTION vete.slot_minutes(text) IS
    'The clinic''s slot grid in minutes (settings.slot_minutes, 5..240, default 15).';

CREATE FUNCTION public.get_available_slots(
    p_tenant_id text,
    p_date date,
    p_service_id uuid,
    p_vet_id uuid DEFAULT NULL
) RETURNS TABLE (slot_start timestamptz, slot_end timestamptz, vet_id uuid)
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    #variable_conflict use_column
    DECLARE
        v_now timestamptz := vete.clock();
        v_duration interval;
        v_buffer interval;
        v_step interval;
        v_window tstzmultirange;
    BEGIN
        -- PL/pgSQL (not SQL) so the plan is cached, and the per-day values are computed
        -- once here rather than once per candidate row.
        SELECT make_interval(mins => s.duration_minutes), make_interval(mins => s.buffer_minutes),
               make_interval(mins => vete.slot_minutes(p_tenant_id)),
               vete.service_window(p_tenant_id, p_service_id, p_date)
        INTO v_duration, v_buffer, v_step, v_window
        FROM public.services s
        WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id AND s.is_active AND s.deleted_at IS NULL;
        IF NOT FOUND OR p_date IS NULL THEN
            RETURN;
        END IF;
        RETURN QUERY
        WITH vet_day AS MATERIALIZED (
            SELECT v.id AS vet, vete.vet_weekly(p_tenant_id, v.id, p_date, 'work') AS shifts
            FROM public.profiles v
            WHERE v.tenant_id = p_tenant_id AND v.role = 'vet' AND v.deleted_at IS NULL
              AND (p_vet_id IS NULL OR v.id = p_vet_id)
        ),
        calendar AS MATERIALIZED (
            SELECT d.vet, d.shifts,
                   d.shifts * v_window
                       - vete.vet_weekly(p_tenant_id, d.vet, p_date, 'break')
                       - vete.vet_time_off(p_tenant_id, d.vet, range_merge(d.shifts)) AS open,
                   (SELECT coalesce(range_agg(a.blocked_range), '{}'::tstzmultirange)
                    FROM public.appointments a
                    WHERE a.tenant_id = p_tenant_id AND a.vet_id = d.vet
                      AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
                      -- blocked ranges last at most 720 + 240 minutes: a bounded index scan
                      AND a.start_time >= lower(range_merge(d.shifts)) - interval '16 hours'
                      AND a.start_time < upper(range_merge(d.shifts)) + v_buffer
                      AND a.blocked_range && tstzrange(lower(range_merge(d.shifts)),
                                                       upper(range_merge(d.shifts)) + v_buffer)
                   ) AS busy
            FROM vet_day d
            WHERE NOT isempty(d.shifts)
        )
        SELECT g, g + v_duration, c.vet
        FROM calendar c
        CROSS JOIN LATERAL unnest(c.shifts) AS shift
        CROSS JOIN LATERAL generate_series(lower(shift), upper(shift) - v_duration, v_step) AS g
        WHERE g > v_now
          AND tstzrange(g, g + v_duration, '[)') <@ c.open
          AND NOT (tstzrange(g, g + v_duration + v_buffer, '[)') && c.busy)
        ORDER BY 1, 3;
    END
    $$;
COMMENT ON FUNCTION public.get_available_slots(text, date, uuid, uuid) IS
    'Free slots (start, end, vet) for a service on a clinic-local date, computed in the clinic''s time zone.';

REVOKE EXECUTE ON FUNCTION vete.slot_minutes(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_available_slots(text, date, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_available_slots(text, date, uuid, uuid) TO anon, authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 008 get_available_slots ready'; END $$;
