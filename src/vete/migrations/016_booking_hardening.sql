-- 016: booking hardening (issue 13): an owner's appointment lasts its service's length, no
-- start beyond the clinic's booking horizon, bounded text, idempotency keys per caller.
-- vete:expect-notice vete 016 booking hardening ready
-- vete:valid-checksum 286919cceca02ad920369c239ec7f4e6967327a5405192489c8f3db4f1462906
--   (the text as applied before its functions, views and policies moved to
--   definitions/, docs/deploy.md "Definitions"; they are applied before this file:)
-- vete:requires booking/text_too_long
-- vete:requires calendar/latest_bookable_start
-- vete:requires booking/too_far_ahead
--
-- Each booking function keeps its name, its named arguments and its JSON keys (the
-- original's contract); the new refusals are new success:false codes:
--   DURATION_NOT_ALLOWED  an owner named a duration other than the service's (staff and the
--                         platform may choose 5..720 minutes, else INVALID_DURATION);
--   START_TOO_FAR_AHEAD   the start is after now + the clinic's horizon
--                         (tenants.settings.booking_horizon_days, 1..3650, default 730);
--                         get_available_slots offers nothing beyond it either;
--   TEXT_TOO_LONG         notes or a reason longer than 2000 characters.
--
-- Locks, for a deploy on tables with data. The statements that only scan or change rows
-- come first; each ALTER TABLE takes ACCESS EXCLUSIVE on its table until COMMIT, so they
-- come last, after the function definitions:
--   * appointments: over-long text is trimmed by an UPDATE (row locks on the few rows it
--     changes; reads and bookings go on); the CHECKs are added NOT VALID, which is a catalog
--     change (no scan) held for the rest of this transaction (milliseconds). VALIDATE
--     CONSTRAINT is not run here: inside this transaction it would scan the whole table
--     under that ACCESS EXCLUSIVE lock (squawk's constraint-missing-not-valid). The rows are
--     already within bounds after the trim; docs/booking.md says how to VALIDATE online.
--   * booking_requests: read and written only by idempotent bookings, which wait from the
--     ADD COLUMN to COMMIT. The column comes with a constant default (a catalog entry, no
--     row is rewritten); the new unique index is built before the old primary key is
--     dropped, and then becomes the primary key (USING INDEX: no second build). A plain
--     CREATE UNIQUE INDEX, because CONCURRENTLY cannot run in the transaction that also
--     swaps the functions, and a half-deployed state would break idempotent bookings.
--     Measured with 1,000,000 rows in booking_requests (and as many appointments, on a
--     shared machine at load average 6): the whole migration took 5.4 s on PostgreSQL 18
--     and 7.5 s on 15, the trim's scan of appointments (no lock) included, so idempotent
--     bookings wait a few seconds at most. Every other read and write goes on meanwhile.

-- Over-long text already stored (only possible by RPC around vete's API, or in an adopted
-- database): trimmed to the bound, so every row can still be updated (cancelled, confirmed)
-- once the CHECK below holds for new row versions. The count is reported as a NOTICE.
DO $$
DECLARE
    v_trimmed bigint;
BEGIN
    UPDATE public.appointments a
    SET notes = left(a.notes, 2000), reason = left(a.reason, 2000),
        cancellation_reason = left(a.cancellation_reason, 2000)
    WHERE char_length(a.notes) > 2000 OR char_length(a.reason) > 2000
       OR char_length(a.cancellation_reason) > 2000;
    GET DIAGNOSTICS v_trimmed = ROW_COUNT;
    RAISE NOTICE 'vete 016: % appointment(s) had text over 2000 characters, trimmed', v_trimmed;
END
$$;

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
        -- Whose idempotency keys these are: the signed-in user, or the platform (the nil
        -- uuid) for service_role sessions.
        v_key_scope uuid := CASE WHEN v_service_caller
                                 THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE v_uid END;
        v_now timestamptz;
        v_latest timestamptz;
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

        -- Before anything reads or hashes them: no unbounded client text is stored.
        v_problem := coalesce(vete.text_too_long('p_notes', p_notes), vete.text_too_long('p_reason', p_reason));
        IF v_problem IS NOT NULL THEN
            RETURN v_problem;
        END IF;

        IF p_idempotency_key IS NOT NULL THEN
            IF length(p_idempotency_key) NOT BETWEEN 1 AND 200 THEN
                RETURN vete.failure('INVALID_IDEMPOTENCY_KEY', 'Clave de idempotencia inválida');
            END IF;
            v_hash := md5(jsonb_build_array(
                coalesce(v_uid::text, 'service'), p_pet_id, p_service_id, p_vet_id, p_start_time,
                p_duration_minutes, p_reason, p_notes, p_booked_by)::text);
            -- Retries of one caller's key queue here; the first to commit leaves its answer
            -- behind. Keys are the caller's own: another member's same key is another key,
            -- so it can neither be blocked nor detected by anyone else.
            PERFORM pg_advisory_xact_lock(hashtextextended(
                'vete.idempotency/' || p_tenant_id || '/' || v_key_scope::text || '/' || p_idempotency_key, 0));
            SELECT * INTO v_prior FROM public.booking_requests r
            WHERE r.tenant_id = p_tenant_id AND r.caller_id = v_key_scope
              AND r.idempotency_key = p_idempotency_key;
            IF NOT FOUND THEN
                -- A key recorded before migration 016 has no caller (the 'ffff…' scope):
                -- it replays only for the very same request of the very same caller (the
                -- hash covers both); for anyone else it does not exist.
                SELECT * INTO v_prior FROM public.booking_requests r
                WHERE r.tenant_id = p_tenant_id AND r.caller_id = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
                  AND r.idempotency_key = p_idempotency_key AND r.request_hash = v_hash;
            END IF;
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

        -- An appointment lasts what its service lasts. Only staff (and the platform) may
        -- choose another length, from 5 minutes to 12 hours; an owner naming another
        -- duration gets a refusal rather than a silent correction, so a client bug shows.
        IF p_duration_minutes IS NOT NULL AND p_duration_minutes <> v_service_duration THEN
            IF NOT v_staff THEN
                RETURN vete.failure('DURATION_NOT_ALLOWED',
                    'Solo el personal de la clínica puede elegir otra duración que la del servicio');
            END IF;
            IF p_duration_minutes NOT BETWEEN 5 AND 720 THEN
                RETURN vete.failure('INVALID_DURATION', 'La duración debe estar entre 5 y 720 minutos');
            END IF;
        END IF;
        v_duration := coalesce(p_duration_minutes, v_service_duration);
        IF v_duration NOT BETWEEN 1 AND 720 THEN
            RETURN vete.failure('INVALID_DURATION', 'La duración debe estar entre 5 y 720 minutos');
        END IF;
        v_now := vete.clock_for(v_service_caller);
        IF p_start_time IS NULL OR p_start_time <= v_now THEN
            RETURN vete.failure('INVALID_TIME', 'La hora de inicio debe ser futura');
        END IF;
        v_latest := vete.latest_bookable_start(p_tenant_id);
        IF p_start_time > v_latest THEN
            RETURN vete.too_far_ahead(p_tenant_id);
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
            INSERT INTO public.booking_requests (tenant_id, caller_id, idempotency_key, request_hash, appointment_id, response)
            VALUES (p_tenant_id, v_key_scope, p_idempotency_key, v_hash, v_id, v_result);
        END IF;
        RETURN v_result;
    END
    $$;
COMMENT ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text) IS
    'Books a pet with a vet: race-free per vet, inside working hours and the clinic''s horizon, buffer included; the service''s length unless staff choose; idempotent per caller''s key. Returns the original''s JSON keys.';

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
        IF p_new_start_time > vete.latest_bookable_start(v_appt.tenant_id) THEN
            RETURN vete.too_far_ahead(v_appt.tenant_id);
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
    'Moves an appointment (same id, same length) to a new start inside the clinic''s horizon: race-free per vet, checked excluding itself, old times kept in appointment_events.';

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
        IF vete.text_too_long('p_reason', p_reason) IS NOT NULL THEN
            RETURN vete.text_too_long('p_reason', p_reason);
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
        v_latest timestamptz := vete.latest_bookable_start(p_tenant_id);
        v_duration interval;
        v_buffer interval;
        v_step interval;
        v_window tstzmultirange;
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
        WHERE g > v_now AND g <= v_latest
          AND tstzrange(g, g + v_duration, '[)') <@ c.open
          AND NOT (tstzrange(g, g + v_duration + v_buffer, '[)') && c.busy)
        ORDER BY 1, 3;
    END
    $$;
COMMENT ON FUNCTION public.get_available_slots(text, date, uuid, uuid) IS
    'Free slots (start, end, vet) for a service on a clinic-local date, computed in the clinic''s time zone, none beyond its booking horizon.';

-- Idempotency keys per caller, as checkout's are per customer (013's store_orders): the key
-- becomes (clinic, caller, key). caller_id is the signed-in user, or the nil uuid for the
-- platform (service_role). Rows recorded before this migration get 'ffff…' ("recorded
-- before callers were kept") through a constant default, which PostgreSQL stores once in
-- the catalog instead of rewriting every row: nothing is rewritten under the lock. Their
-- replays still work: book_appointment_atomic looks such a key up by its request hash,
-- which covers the caller (see the function above).
ALTER TABLE public.booking_requests
    ADD COLUMN caller_id uuid NOT NULL DEFAULT 'ffffffff-ffff-ffff-ffff-ffffffffffff';
-- Every writer names the caller from now on: no default to fall back on silently (old rows
-- keep the value above).
ALTER TABLE public.booking_requests ALTER COLUMN caller_id DROP DEFAULT;
CREATE UNIQUE INDEX booking_requests_caller_key ON public.booking_requests (tenant_id, caller_id, idempotency_key);
ALTER TABLE public.booking_requests
    DROP CONSTRAINT booking_requests_pkey,
    ADD CONSTRAINT booking_requests_pkey PRIMARY KEY USING INDEX booking_requests_caller_key;
COMMENT ON COLUMN public.booking_requests.caller_id IS
    'Whose key this is: the signed-in user (auth.uid()), the nil uuid for the platform (service_role), ffffffff-… for keys recorded before migration 016.';
COMMENT ON TABLE public.booking_requests IS
    'Successful bookings by (clinic, caller, idempotency key): a caller''s retried request gets the first response back.';

-- Bounded text in the table too (new rows and every update from now on; see the header
-- for why VALIDATE is left out of this transaction). History rows are never updated
-- (append-only), so the events' CHECK guards every row written from now on.
ALTER TABLE public.appointments ADD CONSTRAINT appointments_text_bounded CHECK (
    char_length(reason) <= 2000 AND char_length(notes) <= 2000
    AND char_length(cancellation_reason) <= 2000
) NOT VALID;
COMMENT ON CONSTRAINT appointments_text_bounded ON public.appointments IS
    'reason, notes and cancellation_reason are at most 2000 characters (as the booking functions and the API refuse).';
ALTER TABLE public.appointment_events ADD CONSTRAINT appointment_events_reason_bounded CHECK (
    char_length(reason) <= 2000
) NOT VALID;
COMMENT ON CONSTRAINT appointment_events_reason_bounded ON public.appointment_events IS
    'An event''s reason is at most 2000 characters.';

DO $$ BEGIN RAISE NOTICE 'vete 016 booking hardening ready'; END $$;
