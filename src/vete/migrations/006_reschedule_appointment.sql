-- 006: reschedule_appointment_atomic — the original's named arguments and JSON keys.
-- vete:expect-notice vete 006 reschedule_appointment_atomic ready
--
-- The appointment moves in place (same id) under its vet's lock; the new range is checked
-- excluding itself; the old times go to appointment_events. p_user_id and p_is_staff are
-- claims to check against the session, never grants.

CREATE FUNCTION vete.find_appointment(p_appointment_id uuid) RETURNS public.appointments
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- Appointment ids are random uuids; the key is (tenant_id, id), so among clinics the
        -- caller belongs to (all, for service callers) at most one can match in practice.
        SELECT a.* FROM public.appointments a
        WHERE a.id = p_appointment_id AND a.deleted_at IS NULL
          AND (vete.is_service() OR vete.caller_role_in(a.tenant_id) IS NOT NULL)
        ORDER BY a.created_at
        LIMIT 1
    $$;
COMMENT ON FUNCTION vete.find_appointment(uuid) IS
    'The live appointment with this id in a clinic the caller belongs to, or NULL.';

CREATE FUNCTION vete.refuse_claimed_identity(p_user_id uuid, p_is_staff boolean, p_tenant_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- The original trusted these arguments; here a claim the session does not back is refused.
        SELECT CASE
            WHEN vete.is_service() THEN NULL
            WHEN auth.uid() IS NULL THEN vete.failure('UNAUTHORIZED', 'No autorizado')
            WHEN p_user_id IS NOT NULL AND p_user_id <> auth.uid()
                THEN vete.failure('UNAUTHORIZED', 'El usuario no coincide con la sesión')
            WHEN coalesce(p_is_staff, false) AND NOT vete.is_staff_of(p_tenant_id)
                THEN vete.failure('UNAUTHORIZED', 'No es personal de esta clínica')
        END
    $$;
COMMENT ON FUNCTION vete.refuse_claimed_identity(uuid, boolean, text) IS
    'A failure when p_user_id / p_is_staff claim more than the session holds, else NULL.';

CREATE FUNCTION public.reschedule_appointment_atomic(
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

REVOKE EXECUTE ON FUNCTION vete.find_appointment(uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.refuse_claimed_identity(uuid, boolean, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean)
    TO authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 006 reschedule_appointment_atomic ready'; END $$;
