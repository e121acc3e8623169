-- public.get_available_slots (first in 008; the body 016 gave it).
-- vete:requires calendar/clock
-- vete:requires calendar/latest_bookable_start
-- vete:requires calendar/service_window
-- vete:requires calendar/slot_minutes
-- vete:requires calendar/vet_time_off
-- vete:requires calendar/vet_weekly

CREATE OR REPLACE FUNCTION public.get_available_slots(
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
        v_latest timestamptz := vete.latest_bookable_start(p_tenant_id);
        v_duration interval;
        v_buffer interval;
        v_step interval;
        v_window tstzmultirange;
        v_vet uuid;
        v_shifts tstzmultirange;
        v_span tstzrange;
        v_open tstzmultirange;
        v_busy tstzmultirange;
        v_vets uuid[] := '{}'::uuid[];
        v_day_shifts tstzmultirange[] := '{}'::tstzmultirange[];
        v_opens tstzmultirange[] := '{}'::tstzmultirange[];
        v_busys tstzmultirange[] := '{}'::tstzmultirange[];
    BEGIN
        -- Nothing is bookable outside (now, the clinic's horizon]: a date a day or more
        -- beyond either end (in any zone) has no slot, and is not turned into instants at
        -- all (a far date would overflow timestamp arithmetic).
        IF p_date IS NULL OR v_latest IS NULL
           OR p_date > (v_latest AT TIME ZONE 'UTC')::date + 1
           OR p_date < (v_now AT TIME ZONE 'UTC')::date - 1 THEN
            RETURN;
        END IF;
        -- PL/pgSQL (not SQL) so the plan is cached, and the per-day values are computed
        -- once here rather than once per candidate row.
        --
        -- No statement below both reads a table and calls a function that reads one (issue
        -- 15): on Citus a statement on the clinic's tables runs on the worker holding it,
        -- and a function called inside it would run there too and query tables from a
        -- shard ("cannot execute a distributed query from a query on a shard"). So the
        -- helpers are called on their own, and each vet's day is gathered in a loop (a
        -- clinic has a handful of vets); the slots are then computed from the gathered
        -- values alone, in one query, as before.
        SELECT make_interval(mins => s.duration_minutes), make_interval(mins => s.buffer_minutes)
        INTO v_duration, v_buffer
        FROM public.services s
        WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id AND s.is_active AND s.deleted_at IS NULL;
        IF NOT FOUND OR p_date IS NULL THEN
            RETURN;
        END IF;
        v_step := make_interval(mins => vete.slot_minutes(p_tenant_id));
        v_window := vete.service_window(p_tenant_id, p_service_id, p_date);
        FOR v_vet IN
            SELECT v.id FROM public.profiles v
            WHERE v.tenant_id = p_tenant_id AND v.role = 'vet' AND v.deleted_at IS NULL
              AND (p_vet_id IS NULL OR v.id = p_vet_id)
        LOOP
            v_shifts := vete.vet_weekly(p_tenant_id, v_vet, p_date, 'work');
            CONTINUE WHEN isempty(v_shifts);
            v_span := range_merge(v_shifts);
            v_open := v_shifts * v_window
                      - vete.vet_weekly(p_tenant_id, v_vet, p_date, 'break')
                      - vete.vet_time_off(p_tenant_id, v_vet, v_span);
            SELECT coalesce(range_agg(a.blocked_range), '{}'::tstzmultirange)
            INTO v_busy
            FROM public.appointments a
            WHERE a.tenant_id = p_tenant_id AND a.vet_id = v_vet
              AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
              -- blocked ranges last at most 720 + 240 minutes: a bounded index scan
              AND a.start_time >= lower(v_span) - interval '16 hours'
              AND a.start_time < upper(v_span) + v_buffer
              AND a.blocked_range && tstzrange(lower(v_span), upper(v_span) + v_buffer);
            v_vets := v_vets || v_vet;
            v_day_shifts := v_day_shifts || v_shifts;
            v_opens := v_opens || v_open;
            v_busys := v_busys || v_busy;
        END LOOP;
        RETURN QUERY
        SELECT g, g + v_duration, c.vet
        FROM unnest(v_vets, v_day_shifts, v_opens, v_busys) AS c (vet, shifts, open, busy)
        CROSS JOIN LATERAL unnest(c.shifts) AS shift
        CROSS JOIN LATERAL generate_series(lower(shift), upper(shift) - v_duration, v_step) AS g
        WHERE g > v_now AND g <= v_latest
          AND tstzrange(g, g + v_duration, '[)') <@ c.open
          AND NOT (tstzrange(g, g + v_duration + v_buffer, '[)') && c.busy)
        ORDER BY 1, 3;
    END
    $$;

COMMENT ON FUNCTION public.get_available_slots(text, date, uuid, uuid) IS
    'Free slots (start, end, vet) for a service on a clinic-local date, computed in the clinic''s time zone, none beyond its booking horizon.';

REVOKE ALL ON FUNCTION public.get_available_slots(text, date, uuid, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_available_slots(text, date, uuid, uuid) TO anon, authenticated, service_role;
