-- Functions and views now in definitions/ are left as they are: a definition file is their
-- one current source (docs/deploy.md, "Definitions").
-- Revert 016: the definitions 005-008 gave the four booking functions, exactly (as the
-- deployer recorded them before 016), then the helpers, the CHECKs and the per-caller key.
-- Going back to one key per clinic: where two callers of a clinic used the same key since
-- 016, only the oldest record is kept (the others lose their replay, not their appointment).
CREATE OR REPLACE FUNCTION public.book_appointment_atomic(
    p_tenant_id text,
    p_pet_id uuid,
    p_service_id uuid,
    p_vet_id uuid,
    p_start_time timestamptz,
    p_duration_minutes int DEFAULT NULL,
    p_reason text DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_booked_by uuid DEFAULT NULL,
    p_idempotency_key text DEFAULT NULL
) RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    DECLARE
        v_uid uuid := auth.uid();
        v_session_role text := vete.session_role();
        v_service_caller boolean := v_session_role = 'service_role';
        v_tenant_found boolean;
        v_caller_role text;
        v_staff boolean;
        v_pet_found boolean;
        v_pet_owner uuid;
        v_vet_found boolean;
        v_service_found boolean;
        v_service_duration int;
        v_buffer int;
        v_duration int;
        v_end timestamptz;
        v_blocked_end timestamptz;
        v_created_by uuid;
        v_problem jsonb;
        v_hash text;
        v_prior public.booking_requests;
        v_id uuid;
        v_result jsonb;
    BEGIN
        -- Everything the checks below need, in one statement of primary-key probes (one
        -- cached plan instead of a query or helper call per check).
        SELECT t.id IS NOT NULL,
               (SELECT p.role FROM public.profiles p
                 WHERE p.tenant_id = p_tenant_id AND p.id = v_uid AND p.deleted_at IS NULL),
               pt.id IS NOT NULL, pt.owner_id,
               EXISTS (SELECT 1 FROM public.profiles v
                        WHERE v.tenant_id = p_tenant_id AND v.id = p_vet_id AND v.role = 'vet'
                          AND v.deleted_at IS NULL),
               s.id IS NOT NULL, s.duration_minutes, s.buffer_minutes
          INTO v_tenant_found, v_caller_role, v_pet_found, v_pet_owner, v_vet_found,
               v_service_found, v_service_duration, v_buffer
          FROM (SELECT) AS one
          LEFT JOIN public.tenants t ON t.id = p_tenant_id
          LEFT JOIN public.pets pt
                 ON pt.tenant_id = p_tenant_id AND pt.id = p_pet_id AND pt.deleted_at IS NULL
          LEFT JOIN public.services s
                 ON s.tenant_id = p_tenant_id AND s.id = p_service_id AND s.is_active
                AND s.deleted_at IS NULL;

        -- Identity: the session's. A signed-in caller must belong to the clinic and may
        -- only book as themselves; p_booked_by is recorded for platform (service) callers.
        IF NOT v_service_caller THEN
            IF v_uid IS NULL OR v_caller_role IS NULL THEN
                RETURN vete.failure('UNAUTHORIZED', 'No autorizado para esta clínica');
            END IF;
            IF p_booked_by IS NOT NULL AND p_booked_by <> v_uid THEN
                RETURN vete.failure('UNAUTHORIZED', 'No puede reservar en nombre de otro usuario');
            END IF;
        ELSIF NOT v_tenant_found THEN
            RETURN vete.failure('TENANT_NOT_FOUND', 'Clínica no encontrada');
        END IF;
        v_staff := v_service_caller OR coalesce(v_caller_role IN ('vet', 'admin'), false);

        IF p_idempotency_key IS NOT NULL THEN
            IF length(p_idempotency_key) NOT BETWEEN 1 AND 200 THEN
                RETURN vete.failure('INVALID_IDEMPOTENCY_KEY', 'Clave de idempotencia inválida');
            END IF;
            v_hash := md5(jsonb_build_array(
                coalesce(v_uid::text, 'service'), p_pet_id, p_service_id, p_vet_id, p_start_time,
                p_duration_minutes, p_reason, p_notes, p_booked_by)::text);
            -- Retries of one key queue here; the first to commit leaves its answer behind.
            PERFORM pg_advisory_xact_lock(hashtextextended(
                'vete.idempotency/' || p_tenant_id || '/' || p_idempotency_key, 0));
            SELECT * INTO v_prior FROM public.booking_requests r
            WHERE r.tenant_id = p_tenant_id AND r.idempotency_key = p_idempotency_key;
            IF FOUND THEN
                IF v_prior.request_hash <> v_hash THEN
                    RETURN vete.failure('IDEMPOTENCY_CONFLICT',
                        'La clave de idempotencia ya se usó con otra solicitud');
                END IF;
                RETURN v_prior.response;
            END IF;
        END IF;

        -- Another owner's pet is "not found" to an owner, as row-level security shows it.
        IF NOT v_pet_found OR NOT (v_staff OR v_pet_owner = v_uid) THEN
            RETURN vete.failure('PET_NOT_FOUND', 'Mascota no encontrada');
        END IF;
        IF NOT v_vet_found THEN
            RETURN vete.failure('VET_NOT_FOUND', 'Veterinario no encontrado');
        END IF;
        IF NOT v_service_found THEN
            RETURN vete.failure('SERVICE_NOT_FOUND', 'Servicio no encontrado');
        END IF;

        v_duration := coalesce(p_duration_minutes, v_service_duration);
        IF v_duration NOT BETWEEN 1 AND 720 THEN
            RETURN vete.failure('INVALID_DURATION', 'La duración debe estar entre 1 y 720 minutos');
        END IF;
        IF p_start_time IS NULL OR p_start_time <= vete.clock_for(v_service_caller) THEN
            RETURN vete.failure('INVALID_TIME', 'La hora de inicio debe ser futura');
        END IF;
        v_end := p_start_time + make_interval(mins => v_duration);
        v_blocked_end := v_end + make_interval(mins => v_buffer);
        v_created_by := CASE WHEN v_service_caller THEN coalesce(p_booked_by, v_uid) ELSE v_uid END;
        v_problem := vete.schedule_problem(p_tenant_id, p_vet_id, p_service_id, p_start_time, v_end);
        IF v_problem IS NOT NULL THEN
            RETURN v_problem;
        END IF;

        PERFORM vete.lock_vet(p_tenant_id, p_vet_id);
        -- Under the lock (READ COMMITTED: this statement sees every earlier winner). A range
        -- scan of appointments_vet_start_idx: an active appointment that overlaps
        -- [start, end + buffer) starts before its end and, lasting at most 720 + 240
        -- minutes (the table's CHECKs), less than 960 minutes before its start.
        IF EXISTS (
            SELECT 1 FROM public.appointments a
            WHERE a.tenant_id = p_tenant_id AND a.vet_id = p_vet_id
              AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
              AND a.start_time < v_blocked_end
              AND a.start_time > p_start_time - interval '960 minutes'
              AND a.blocked_range && tstzrange(p_start_time, v_blocked_end, '[)')
        ) THEN
            RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
        END IF;
        -- The same INSERT twice: a subtransaction (BEGIN ... EXCEPTION) costs on every call,
        -- and only callers whose snapshot can predate the winner need it.
        IF current_setting('transaction_isolation') = 'read committed' THEN
            -- Every writer of this calendar holds the vet lock and checked as above, in a
            -- statement that saw every earlier winner: the constraint cannot refuse this row.
            INSERT INTO public.appointments AS a (tenant_id, pet_id, service_id, vet_id, start_time, end_time,
                duration_minutes, buffer_minutes, reason, notes, created_by)
            VALUES (p_tenant_id, p_pet_id, p_service_id, p_vet_id, p_start_time, v_end,
                v_duration, v_buffer, p_reason, p_notes, v_created_by) RETURNING a.id INTO v_id;
        ELSE
            BEGIN
                INSERT INTO public.appointments AS a (tenant_id, pet_id, service_id, vet_id, start_time, end_time,
                    duration_minutes, buffer_minutes, reason, notes, created_by)
                VALUES (p_tenant_id, p_pet_id, p_service_id, p_vet_id, p_start_time, v_end,
                    v_duration, v_buffer, p_reason, p_notes, v_created_by) RETURNING a.id INTO v_id;
            EXCEPTION WHEN exclusion_violation THEN
                -- Last line of defence: a REPEATABLE READ or SERIALIZABLE caller's snapshot
                -- may predate the winner, so the check above can miss it; the constraint
                -- refuses the row and the answer is the same.
                RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
            END;
        END IF;

        INSERT INTO public.appointment_events (
            tenant_id, appointment_id, kind, actor_id, actor_role, to_status, new_start_time, new_end_time, reason
        ) VALUES (
            p_tenant_id, v_id, 'booked', coalesce(v_uid, p_booked_by),
            -- as vete.actor_role(p_tenant_id), from the values looked up above
            CASE WHEN v_service_caller THEN 'service_role' ELSE coalesce(v_caller_role, v_session_role) END,
            'scheduled', p_start_time, v_end, p_reason
        );
        v_result := jsonb_build_object(
            'success', true, 'appointment_id', v_id, 'start_time', p_start_time,
            'end_time', v_end, 'status', 'scheduled');
        IF p_idempotency_key IS NOT NULL THEN
            INSERT INTO public.booking_requests (tenant_id, idempotency_key, request_hash, appointment_id, response)
            VALUES (p_tenant_id, p_idempotency_key, v_hash, v_id, v_result);
        END IF;
        RETURN v_result;
    END
    $$;
COMMENT ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text) IS
    'Books a pet with a vet: race-free per vet, inside working hours, buffer included; idempotent by key. Returns the original''s JSON keys.';

CREATE OR REPLACE FUNCTION public.reschedule_appointment_atomic(
    p_appointment_id uuid,
    p_new_start_time timestamptz,
    p_user_id uuid,
    p_is_staff boolean DEFAULT false
) RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    DECLARE
        v_appt public.appointments;
        v_refusal jsonb;
        v_new_end timestamptz;
        v_problem jsonb;
        v_status text := 'scheduled';
    BEGIN
        v_appt := vete.find_appointment(p_appointment_id);
        IF v_appt.id IS NULL THEN
            RETURN vete.failure('NOT_FOUND', 'Cita no encontrada');
        END IF;
        v_refusal := vete.refuse_claimed_identity(p_user_id, p_is_staff, v_appt.tenant_id);
        IF v_refusal IS NOT NULL THEN
            RETURN v_refusal;
        END IF;
        IF NOT (vete.is_staff_of(v_appt.tenant_id) OR vete.owns_pet(v_appt.tenant_id, v_appt.pet_id)) THEN
            RETURN vete.failure('UNAUTHORIZED', 'No puede reprogramar esta cita');
        END IF;
        IF p_new_start_time IS NULL OR p_new_start_time <= vete.clock() THEN
            RETURN vete.failure('INVALID_TIME', 'La nueva hora debe ser futura');
        END IF;
        v_new_end := p_new_start_time + make_interval(mins => v_appt.duration_minutes);
        v_problem := vete.schedule_problem(
            v_appt.tenant_id, v_appt.vet_id, v_appt.service_id, p_new_start_time, v_new_end);
        IF v_problem IS NOT NULL THEN
            RETURN v_problem;
        END IF;

        -- The vet lock first (the order every writer of this calendar uses), then the row.
        PERFORM vete.lock_vet(v_appt.tenant_id, v_appt.vet_id);
        SELECT * INTO v_appt FROM public.appointments a
        WHERE a.tenant_id = v_appt.tenant_id AND a.id = v_appt.id AND a.deleted_at IS NULL
        FOR UPDATE;
        IF NOT FOUND THEN
            RETURN vete.failure('NOT_FOUND', 'Cita no encontrada');
        END IF;
        IF v_appt.status NOT IN ('scheduled', 'confirmed') THEN
            RETURN vete.failure('INVALID_STATUS', 'Solo se reprograman citas programadas o confirmadas');
        END IF;
        IF EXISTS (
            SELECT 1 FROM public.appointments a
            WHERE a.tenant_id = v_appt.tenant_id AND a.vet_id = v_appt.vet_id AND a.id <> v_appt.id
              AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
              AND a.blocked_range && vete.blocked_range(p_new_start_time, v_new_end, v_appt.buffer_minutes)
        ) THEN
            RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
        END IF;
        BEGIN
            -- A moved appointment needs confirming again: back to 'scheduled'.
            UPDATE public.appointments a
            SET start_time = p_new_start_time, end_time = v_new_end, status = v_status,
                confirmed_at = NULL, updated_at = now()
            WHERE a.tenant_id = v_appt.tenant_id AND a.id = v_appt.id;
        EXCEPTION WHEN exclusion_violation THEN
            RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
        END;

        INSERT INTO public.appointment_events (
            tenant_id, appointment_id, kind, actor_id, actor_role, from_status, to_status,
            old_start_time, old_end_time, new_start_time, new_end_time
        ) VALUES (
            v_appt.tenant_id, v_appt.id, 'rescheduled', coalesce(auth.uid(), p_user_id),
            vete.actor_role(v_appt.tenant_id), v_appt.status, v_status,
            v_appt.start_time, v_appt.end_time, p_new_start_time, v_new_end
        );
        RETURN jsonb_build_object(
            'success', true, 'appointment_id', v_appt.id, 'old_start_time', v_appt.start_time,
            'new_start_time', p_new_start_time, 'new_end_time', v_new_end, 'status', v_status);
    END
    $$;
COMMENT ON FUNCTION public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean) IS
    'Moves an appointment (same id) to a new start: race-free per vet, checked excluding itself, old times kept in appointment_events.';

CREATE OR REPLACE FUNCTION public.set_appointment_status(
    p_appointment_id uuid,
    p_status text,
    p_reason text DEFAULT NULL
) RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    DECLARE
        v_appt public.appointments;
        v_rule vete.appointment_status_transitions;
        v_staff boolean;
        v_now timestamptz := now();
        v_actor uuid := auth.uid();
    BEGIN
        IF p_status IS NULL OR p_status NOT IN (
            'scheduled', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show'
        ) THEN
            RETURN vete.failure('UNKNOWN_STATUS', 'Estado desconocido');
        END IF;
        v_appt := vete.find_appointment(p_appointment_id);
        IF v_appt.id IS NULL THEN
            RETURN vete.failure('NOT_FOUND', 'Cita no encontrada');
        END IF;
        v_staff := vete.is_staff_of(v_appt.tenant_id);
        IF NOT (v_staff OR vete.owns_pet(v_appt.tenant_id, v_appt.pet_id)) THEN
            RETURN vete.failure('UNAUTHORIZED', 'No puede modificar esta cita');
        END IF;
        IF p_status = 'cancelled' AND nullif(btrim(p_reason), '') IS NULL THEN
            RETURN vete.failure('REASON_REQUIRED', 'Indique el motivo de la cancelación');
        END IF;

        -- The row lock orders status changes against reschedules of the same appointment.
        SELECT * INTO v_appt FROM public.appointments a
        WHERE a.tenant_id = v_appt.tenant_id AND a.id = v_appt.id AND a.deleted_at IS NULL
        FOR UPDATE;
        SELECT * INTO v_rule FROM vete.appointment_status_transitions t
        WHERE t.from_status = v_appt.status AND t.to_status = p_status;
        IF NOT FOUND THEN
            RETURN vete.failure('INVALID_TRANSITION',
                format('No se puede pasar de %s a %s', v_appt.status, p_status));
        END IF;
        IF v_rule.allowed_to = 'staff' AND NOT v_staff THEN
            RETURN vete.failure('UNAUTHORIZED', 'Solo el personal de la clínica puede hacer este cambio');
        END IF;

        UPDATE public.appointments a SET
            status = p_status,
            confirmed_at = CASE WHEN v_rule.stamp_column = 'confirmed_at' THEN v_now ELSE a.confirmed_at END,
            checked_in_at = CASE WHEN v_rule.stamp_column = 'checked_in_at' THEN v_now ELSE a.checked_in_at END,
            started_at = CASE WHEN v_rule.stamp_column = 'started_at' THEN v_now ELSE a.started_at END,
            completed_at = CASE WHEN v_rule.stamp_column = 'completed_at' THEN v_now ELSE a.completed_at END,
            cancelled_at = CASE WHEN v_rule.stamp_column = 'cancelled_at' THEN v_now ELSE a.cancelled_at END,
            cancelled_by = CASE WHEN p_status = 'cancelled' THEN v_actor ELSE a.cancelled_by END,
            cancellation_reason = CASE WHEN p_status = 'cancelled' THEN btrim(p_reason) ELSE a.cancellation_reason END,
            updated_at = v_now
        WHERE a.tenant_id = v_appt.tenant_id AND a.id = v_appt.id;

        INSERT INTO public.appointment_events (
            tenant_id, appointment_id, kind, actor_id, actor_role, from_status, to_status, reason
        ) VALUES (
            v_appt.tenant_id, v_appt.id, 'status_changed', v_actor, vete.actor_role(v_appt.tenant_id),
            v_appt.status, p_status, nullif(btrim(p_reason), '')
        );
        RETURN jsonb_build_object(
            'success', true, 'appointment_id', v_appt.id, 'old_status', v_appt.status,
            'status', p_status, 'changed_at', v_now);
    END
    $$;
COMMENT ON FUNCTION public.set_appointment_status(uuid, text, text) IS
    'Moves an appointment along the lifecycle (vete.appointment_status_transitions), recording who and when.';

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


ALTER TABLE public.appointment_events DROP CONSTRAINT appointment_events_reason_bounded;
ALTER TABLE public.appointments DROP CONSTRAINT appointments_text_bounded;

DELETE FROM public.booking_requests r
WHERE EXISTS (
    SELECT 1 FROM public.booking_requests o
    WHERE o.tenant_id = r.tenant_id AND o.idempotency_key = r.idempotency_key
      AND (o.created_at, o.caller_id) < (r.created_at, r.caller_id)
);
CREATE UNIQUE INDEX booking_requests_clinic_key ON public.booking_requests (tenant_id, idempotency_key);
ALTER TABLE public.booking_requests
    DROP CONSTRAINT booking_requests_pkey,
    ADD CONSTRAINT booking_requests_pkey PRIMARY KEY USING INDEX booking_requests_clinic_key;
ALTER TABLE public.booking_requests DROP COLUMN caller_id;
COMMENT ON TABLE public.booking_requests IS
    'Successful bookings by idempotency key: a retried request gets the first response back.';
