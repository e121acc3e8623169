-- 005: book_appointment_atomic — the original's named arguments and JSON keys, plus an
-- optional idempotency key.
-- vete:expect-notice vete 005 book_appointment_atomic ready
--
-- On a database that has the original's 9-argument function, that signature is dropped in
-- this same transaction: two overloads sharing argument names make every named call fail
-- as ambiguous.

DROP FUNCTION IF EXISTS public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid);

CREATE FUNCTION vete.actor_role(p_tenant_id text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT CASE WHEN vete.is_service() THEN 'service_role'
                    ELSE coalesce(vete.caller_role_in(p_tenant_id), vete.session_role()) END
    $$;
COMMENT ON FUNCTION vete.actor_role(text) IS
    'Who the caller is in a clinic, for the event log: service_role, owner, vet or admin.';

CREATE FUNCTION public.book_appointment_atomic(
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
        v_service_caller boolean := vete.is_service();
        v_staff boolean;
        v_pet public.pets;
        v_svc public.services;
        v_duration int;
        v_end timestamptz;
        v_problem jsonb;
        v_hash text;
        v_prior public.booking_requests;
        v_id uuid;
        v_result jsonb;
    BEGIN
        -- Identity: the session's. A signed-in caller must belong to the clinic and may
        -- only book as themselves; p_booked_by is recorded for platform (service) callers.
        IF NOT v_service_caller THEN
            IF v_uid IS NULL OR vete.caller_role_in(p_tenant_id) IS NULL THEN
                RETURN vete.failure('UNAUTHORIZED', 'No autorizado para esta clínica');
            END IF;
            IF p_booked_by IS NOT NULL AND p_booked_by <> v_uid THEN
                RETURN vete.failure('UNAUTHORIZED', 'No puede reservar en nombre de otro usuario');
            END IF;
        ELSIF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant_id) THEN
            RETURN vete.failure('TENANT_NOT_FOUND', 'Clínica no encontrada');
        END IF;
        v_staff := vete.is_staff_of(p_tenant_id);

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

        SELECT * INTO v_pet FROM public.pets p
        WHERE p.tenant_id = p_tenant_id AND p.id = p_pet_id AND p.deleted_at IS NULL;
        -- Another owner's pet is "not found" to an owner, as row-level security shows it.
        IF NOT FOUND OR NOT (v_staff OR v_pet.owner_id = v_uid) THEN
            RETURN vete.failure('PET_NOT_FOUND', 'Mascota no encontrada');
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM public.profiles v
            WHERE v.tenant_id = p_tenant_id AND v.id = p_vet_id AND v.role = 'vet' AND v.deleted_at IS NULL
        ) THEN
            RETURN vete.failure('VET_NOT_FOUND', 'Veterinario no encontrado');
        END IF;
        SELECT * INTO v_svc FROM public.services s
        WHERE s.tenant_id = p_tenant_id AND s.id = p_service_id AND s.is_active AND s.deleted_at IS NULL;
        IF NOT FOUND THEN
            RETURN vete.failure('SERVICE_NOT_FOUND', 'Servicio no encontrado');
        END IF;

        v_duration := coalesce(p_duration_minutes, v_svc.duration_minutes);
        IF v_duration NOT BETWEEN 1 AND 720 THEN
            RETURN vete.failure('INVALID_DURATION', 'La duración debe estar entre 1 y 720 minutos');
        END IF;
        IF p_start_time IS NULL OR p_start_time <= vete.clock() THEN
            RETURN vete.failure('INVALID_TIME', 'La hora de inicio debe ser futura');
        END IF;
        v_end := p_start_time + make_interval(mins => v_duration);
        v_problem := vete.schedule_problem(p_tenant_id, p_vet_id, p_service_id, p_start_time, v_end);
        IF v_problem IS NOT NULL THEN
            RETURN v_problem;
        END IF;

        PERFORM vete.lock_vet(p_tenant_id, p_vet_id);
        -- Under the lock (READ COMMITTED: this statement sees every earlier winner).
        IF EXISTS (
            SELECT 1 FROM public.appointments a
            WHERE a.tenant_id = p_tenant_id AND a.vet_id = p_vet_id
              AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
              AND a.blocked_range && vete.blocked_range(p_start_time, v_end, v_svc.buffer_minutes)
        ) THEN
            RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
        END IF;
        BEGIN
            INSERT INTO public.appointments (
                tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes,
                buffer_minutes, status, reason, notes, created_by
            ) VALUES (
                p_tenant_id, p_pet_id, p_service_id, p_vet_id, p_start_time, v_end, v_duration,
                v_svc.buffer_minutes, 'scheduled', p_reason, p_notes,
                CASE WHEN v_service_caller THEN coalesce(p_booked_by, v_uid) ELSE v_uid END
            ) RETURNING id INTO v_id;
        EXCEPTION WHEN exclusion_violation THEN
            -- Last line of defence (e.g. a REPEATABLE READ caller whose snapshot predates
            -- the winner): the constraint refused it, the answer is the same.
            RETURN vete.failure('SLOT_UNAVAILABLE', 'El horario ya no está disponible');
        END;

        INSERT INTO public.appointment_events (
            tenant_id, appointment_id, kind, actor_id, actor_role, to_status, new_start_time, new_end_time, reason
        ) VALUES (
            p_tenant_id, v_id, 'booked', coalesce(v_uid, p_booked_by), vete.actor_role(p_tenant_id),
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

REVOKE EXECUTE ON FUNCTION vete.actor_role(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text)
    FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text)
    TO authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 005 book_appointment_atomic ready'; END $$;
