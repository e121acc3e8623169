-- 004: the rules booking and availability share: the clock, the per-vet lock, and a
-- vet's day in the clinic's time zone (shifts, breaks, time off, the service's window).
-- vete:expect-notice vete 004 booking rules ready
--
-- Booking checks a requested range against these multiranges and availability filters
-- its candidate slots through the same functions, so the two cannot disagree.

CREATE FUNCTION vete.clock_for(p_service_caller boolean) RETURNS timestamptz
    LANGUAGE sql STABLE
    AS $$
        -- "Now" for booking rules. The platform itself (service_role) may pin it with
        -- set_config('vete.clock', '<timestamptz>', true) — tests of past dates use this;
        -- a signed-in caller always gets the real transaction time. No SET clause and
        -- schema-qualified calls only, so the planner inlines it into callers that already
        -- know whether the session is the platform's (book_appointment_atomic).
        SELECT CASE
            WHEN p_service_caller AND nullif(pg_catalog.current_setting('vete.clock', true), '') IS NOT NULL
                THEN pg_catalog.current_setting('vete.clock', true)::timestamptz
            ELSE pg_catalog.now()
        END
    $$;
COMMENT ON FUNCTION vete.clock_for(boolean) IS
    'Now, for booking rules, given whether the caller is service_role (only it may pin vete.clock).';

CREATE FUNCTION vete.clock() RETURNS timestamptz
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT vete.clock_for(vete.is_service()) $$;
COMMENT ON FUNCTION vete.clock() IS
    'Now, for booking rules; only service_role sessions may pin it (setting vete.clock), for tests.';

CREATE FUNCTION vete.failure(p_code text, p_message text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$ SELECT jsonb_build_object('success', false, 'error', p_code, 'message', p_message) $$;
COMMENT ON FUNCTION vete.failure(text, text) IS
    'A business outcome: {success:false, error:CODE, message:TEXT}, as the original returned.';

CREATE FUNCTION vete.lock_vet(p_tenant_id text, p_vet_id uuid) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog
    AS $$
        -- One serialization point per (clinic, vet) for the rest of the transaction: the
        -- loser of a race waits here, then sees the winner's row and answers SLOT_UNAVAILABLE.
        SELECT pg_advisory_xact_lock(hashtextextended('vete.vet/' || p_tenant_id || '/' || p_vet_id::text, 0))
    $$;
COMMENT ON FUNCTION vete.lock_vet(text, uuid) IS
    'Transaction advisory lock on one vet of one clinic: serializes every write to its calendar.';

CREATE FUNCTION vete.clinic_zone(p_tenant_id text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT t.timezone FROM public.tenants t WHERE t.id = p_tenant_id $$;
COMMENT ON FUNCTION vete.clinic_zone(text) IS 'The clinic''s IANA time zone.';

CREATE FUNCTION vete.local_date(p_tenant_id text, p_at timestamptz) RETURNS date
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT (p_at AT TIME ZONE vete.clinic_zone(p_tenant_id))::date $$;
COMMENT ON FUNCTION vete.local_date(text, timestamptz) IS 'The clinic''s calendar date at an instant.';

CREATE FUNCTION vete.vet_weekly(p_tenant_id text, p_vet_id uuid, p_date date, p_kind text)
    RETURNS tstzmultirange
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- Wall-clock times become instants through the clinic's zone, so a shift keeps its
        -- local hours on the days clocks change (and is an hour shorter or longer when the
        -- change falls inside it).
        SELECT coalesce(range_agg(tstzrange(
                   (p_date + h.starts_at) AT TIME ZONE t.timezone,
                   (p_date + h.ends_at) AT TIME ZONE t.timezone, '[)')),
               '{}'::tstzmultirange)
        FROM public.vet_working_hours h
        JOIN public.tenants t ON t.id = h.tenant_id
        WHERE h.tenant_id = p_tenant_id AND h.vet_id = p_vet_id AND h.kind = p_kind
          AND h.weekday = extract(isodow FROM p_date)
    $$;
COMMENT ON FUNCTION vete.vet_weekly(text, uuid, date, text) IS
    'A vet''s shifts (kind work) or breaks (kind break) on one local date, as instants; adjacent ranges merge.';

CREATE FUNCTION vete.vet_time_off(p_tenant_id text, p_vet_id uuid, p_within tstzrange) RETURNS tstzmultirange
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT coalesce(range_agg(o.period), '{}'::tstzmultirange)
        FROM public.vet_time_off o
        WHERE o.tenant_id = p_tenant_id AND o.vet_id = p_vet_id AND o.period && p_within
    $$;
COMMENT ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) IS 'A vet''s absences overlapping a range.';

CREATE FUNCTION vete.service_window(p_tenant_id text, p_service_id uuid, p_date date) RETURNS tstzmultirange
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- When a service is offered on a local date: its available_days (ISO weekdays) and
        -- available_start_time/available_end_time when set, else the whole day.
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
    $$;
COMMENT ON FUNCTION vete.service_window(text, uuid, date) IS
    'When a service may be booked on a local date (its days and hours), as instants.';

CREATE FUNCTION vete.schedule_problem(
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

CREATE FUNCTION public.resolve_clinic_local_time(
    p_tenant_id text, p_local_time timestamp, p_later boolean DEFAULT false
) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    DECLARE
        v_zone text := vete.clinic_zone(p_tenant_id);
        v_candidates timestamptz[];
        v_offset interval;
        v_instant timestamptz;
    BEGIN
        -- A wall-clock time in the clinic becomes zero instants (inside the spring-forward
        -- gap), one, or two (the repeated hour in autumn; p_later picks the second).
        IF v_zone IS NULL THEN
            RETURN vete.failure('TENANT_NOT_FOUND', 'Clínica no encontrada');
        END IF;
        IF p_local_time IS NULL THEN
            RETURN vete.failure('INVALID_TIME', 'Horario inválido');
        END IF;
        -- The zone's offsets a day before and a day after cover any one transition.
        FOREACH v_offset IN ARRAY ARRAY[
            ((p_local_time - interval '1 day') AT TIME ZONE v_zone AT TIME ZONE v_zone)
                - ((p_local_time - interval '1 day') AT TIME ZONE v_zone AT TIME ZONE 'UTC'),
            ((p_local_time + interval '1 day') AT TIME ZONE v_zone AT TIME ZONE v_zone)
                - ((p_local_time + interval '1 day') AT TIME ZONE v_zone AT TIME ZONE 'UTC')
        ] LOOP
            v_instant := (p_local_time - v_offset) AT TIME ZONE 'UTC';
            IF v_instant AT TIME ZONE v_zone = p_local_time
               AND NOT (v_instant = ANY (coalesce(v_candidates, '{}'))) THEN
                v_candidates := array_append(v_candidates, v_instant);
            END IF;
        END LOOP;
        IF v_candidates IS NULL THEN
            RETURN vete.failure('NONEXISTENT_LOCAL_TIME',
                'Esa hora no existe en la clínica (cambio de hora)');
        END IF;
        SELECT CASE WHEN p_later THEN max(c) ELSE min(c) END INTO v_instant FROM unnest(v_candidates) c;
        RETURN jsonb_build_object('success', true, 'instant', v_instant,
                                  'ambiguous', cardinality(v_candidates) > 1);
    END
    $$;
COMMENT ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean) IS
    'The instant of a wall-clock time in the clinic: NONEXISTENT_LOCAL_TIME inside a DST gap; p_later picks the second of a repeated hour.';

REVOKE EXECUTE ON FUNCTION vete.clock() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.clock_for(boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.lock_vet(text, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vete.clock() TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.clock_for(boolean) TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz) TO service_role;
REVOKE EXECUTE ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.resolve_clinic_local_time(text, timestamp, boolean)
    TO anon, authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 004 booking rules ready'; END $$;
