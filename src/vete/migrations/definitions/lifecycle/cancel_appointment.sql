-- public.cancel_appointment (first in 007).
-- vete:requires lifecycle/set_appointment_status

CREATE OR REPLACE FUNCTION public.cancel_appointment(p_appointment_id uuid, p_reason text DEFAULT NULL) RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        -- The slot is free as soon as this commits: cancelled rows fall outside the constraint.
        SELECT public.set_appointment_status(p_appointment_id, 'cancelled', p_reason)
    $$;

COMMENT ON FUNCTION public.cancel_appointment(uuid, text) IS
    'Cancels an appointment (owner or staff) with a reason; the slot is free at once.';

REVOKE ALL ON FUNCTION public.cancel_appointment(uuid, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.cancel_appointment(uuid, text) TO authenticated, service_role;
