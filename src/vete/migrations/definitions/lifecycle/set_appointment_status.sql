-- public.set_appointment_status (first in 007; the body 016 gave it).
-- vete:requires booking/actor_role
-- vete:requires booking/failure
-- vete:requires booking/find_appointment
-- vete:requires booking/text_too_long
-- vete:requires identity/is_staff_of
-- vete:requires identity/owns_pet

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
        -- A status is one the transition table knows (007 and later migrations write it;
        -- a new status is a versioned migration, docs/architecture.md).
        IF p_status IS NULL OR NOT EXISTS (
            SELECT 1 FROM vete.appointment_status_transitions t
            WHERE p_status IN (t.from_status, t.to_status)
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

REVOKE ALL ON FUNCTION public.set_appointment_status(uuid, text, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.set_appointment_status(uuid, text, text) TO authenticated, service_role;
