-- Revert 005: drop vete's booking function (the deployer restores a replaced original
-- definition from its history when there was one).
DROP FUNCTION IF EXISTS public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text);
DROP FUNCTION IF EXISTS vete.actor_role(text);
