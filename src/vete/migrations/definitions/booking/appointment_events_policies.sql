-- policy appointment_events_owner_or_staff on public.appointment_events (first in 003).
-- vete:requires identity/is_staff_of
-- vete:requires identity/policy_helpers

DROP POLICY IF EXISTS appointment_events_owner_or_staff ON public.appointment_events;

CREATE POLICY appointment_events_owner_or_staff ON public.appointment_events FOR SELECT TO authenticated
    USING (vete.is_staff_of(tenant_id) OR vete.sees_appointment(tenant_id, appointment_id));

COMMENT ON POLICY appointment_events_owner_or_staff ON public.appointment_events IS
    'History is visible to whoever sees the appointment.';
