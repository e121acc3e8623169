-- Revert 007: drop the lifecycle functions and the transition table.
DROP FUNCTION IF EXISTS public.cancel_appointment(uuid, text);
DROP FUNCTION IF EXISTS public.set_appointment_status(uuid, text, text);
DROP TABLE IF EXISTS vete.appointment_status_transitions;
