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
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        WITH svc AS (
            SELECT make_interval(mins => s.duration_minutes) AS duration,
                   s.buffer_minutes,
                   make_interval(mins => vete.slot_minutes(p_tenant_id)) AS step,
                   vete.service_window(p_tenant_id, p_service_id, p_date) AS service_window
            FROM public.services s
            WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id AND s.is_active AND s.deleted_at IS NULL
        ),
        vet_day AS (
            SELECT v.id AS vet_id, sh.shifts, range_merge(sh.shifts) AS span
            FROM public.profiles v
            CROSS JOIN LATERAL (SELECT vete.vet_weekly(p_tenant_id, v.id, p_date, 'work') AS shifts) sh
            WHERE v.tenant_id = p_tenant_id AND v.role = 'vet' AND v.deleted_at IS NULL
              AND (p_vet_id IS NULL OR v.id = p_vet_id)
              AND NOT isempty(sh.shifts)
        ),
        calendar AS (
            SELECT d.vet_id, d.shifts,
                   d.shifts * svc.service_window
                       - vete.vet_weekly(p_tenant_id, d.vet_id, p_date, 'break')
                       - vete.vet_time_off(p_tenant_id, d.vet_id, d.span) AS open,
                   (SELECT coalesce(range_agg(a.blocked_range), '{}'::tstzmultirange)
                    FROM public.appointments a
                    WHERE a.tenant_id = p_tenant_id AND a.vet_id = d.vet_id
                      AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
                      -- blocked ranges last at most 720 + 240 minutes: a bounded index scan
                      AND a.start_time >= lower(d.span) - interval '16 hours'
                      AND a.start_time < upper(d.span) + make_interval(mins => svc.buffer_minutes)
                      AND a.blocked_range && tstzrange(lower(d.span),
                              upper(d.span) + make_interval(mins => svc.buffer_minutes))
                   ) AS busy
            FROM vet_day d CROSS JOIN svc
        )
        SELECT g AS slot_start, g + svc.duration AS slot_end, c.vet_id
        FROM calendar c
        CROSS JOIN svc
        CROSS JOIN LATERAL unnest(c.shifts) AS shift
        CROSS JOIN LATERAL generate_series(lower(shift), upper(shift) - svc.duration, svc.step) AS g
        WHERE g > vete.clock()
          AND tstzrange(g, g + svc.duration, '[)') <@ c.open
          AND NOT (vete.blocked_range(g, g + svc.duration, svc.buffer_minutes) && c.busy)
        ORDER BY 1, 3
    $$;
COMMENT ON FUNCTION public.get_available_slots(text, date, uuid, uuid) IS
    'Free slots (start, end, vet) for a service on a clinic-local date, computed in the clinic''s time zone.';

REVOKE EXECUTE ON FUNCTION vete.slot_minutes(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_available_slots(text, date, uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_available_slots(text, date, uuid, uuid) TO anon, authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 008 get_available_slots ready'; END $$;
