-- public.reschedule_appointment_atomic (first in 006; the body 016 gave it).
-- vete:requires booking/actor_role
-- vete:requires booking/failure
-- vete:requires booking/find_appointment
-- vete:requires booking/lock_vet
-- vete:requires booking/refuse_claimed_identity
-- vete:requires booking/too_far_ahead
-- vete:requires calendar/clock
-- vete:requires calendar/latest_bookable_start
-- vete:requires calendar/schedule_problem
-- vete:requires identity/is_staff_of
-- vete:requires identity/owns_pet

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

REVOKE ALL ON FUNCTION public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean) TO authenticated, service_role;
