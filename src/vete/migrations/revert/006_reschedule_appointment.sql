-- Revert 006: drop vete's reschedule function and its helpers.
DROP FUNCTION IF EXISTS public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean);
DROP FUNCTION IF EXISTS vete.refuse_claimed_identity(uuid, boolean, text);
DROP FUNCTION IF EXISTS vete.find_appointment(uuid);
