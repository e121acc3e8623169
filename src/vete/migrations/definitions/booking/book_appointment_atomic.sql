-- public.book_appointment_atomic (first in 005; the body 016 gave it).
-- vete:requires booking/actor_role
-- vete:requires booking/failure
-- vete:requires booking/lock_vet
-- vete:requires booking/text_too_long
-- vete:requires booking/too_far_ahead
-- vete:requires calendar/clock_for
-- vete:requires calendar/latest_bookable_start
-- vete:requires calendar/schedule_problem
-- vete:requires identity/session_role

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

REVOKE ALL ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text) TO authenticated, service_role;
