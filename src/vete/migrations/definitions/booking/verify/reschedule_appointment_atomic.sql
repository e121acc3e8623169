-- Verify 006: one signature only; an unknown appointment is NOT_FOUND (the body runs).
SELECT 1 / (count(*) = 1)::int FROM pg_proc WHERE proname = 'reschedule_appointment_atomic';
DO $$
BEGIN
    IF public.reschedule_appointment_atomic(
           p_appointment_id => gen_random_uuid(), p_new_start_time => now() + interval '1 day',
           p_user_id => NULL) ->> 'error' IS DISTINCT FROM 'NOT_FOUND' THEN
        RAISE EXCEPTION 'verify 006: an unknown appointment was not NOT_FOUND';
    END IF;
END
$$;
