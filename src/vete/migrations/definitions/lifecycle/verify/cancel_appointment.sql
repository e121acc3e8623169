-- Verify cancel_appointment and set_appointment_status (007's checks): unknown ids and
-- statuses are answered.
DO $$
BEGIN
    IF public.cancel_appointment(gen_random_uuid(), 'verify') ->> 'error' IS DISTINCT FROM 'NOT_FOUND' THEN
        RAISE EXCEPTION 'verify 007: cancelling an unknown appointment was not NOT_FOUND';
    END IF;
    IF public.set_appointment_status(gen_random_uuid(), 'paused') ->> 'error' IS DISTINCT FROM 'UNKNOWN_STATUS' THEN
        RAISE EXCEPTION 'verify 007: an unknown status was not UNKNOWN_STATUS';
    END IF;
END
$$;
