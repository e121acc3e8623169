-- Revert 003: drop appointments, their history and idempotency records, and the key helpers.
DROP TABLE IF EXISTS public.booking_requests;
DROP TABLE IF EXISTS public.appointment_events;
DROP FUNCTION IF EXISTS vete.refuse_event_change();
DROP TABLE IF EXISTS public.appointments;
DROP FUNCTION IF EXISTS vete.owns_pet(text, uuid);
DROP FUNCTION IF EXISTS vete.is_active_status(text);
DROP FUNCTION IF EXISTS vete.blocked_range(timestamptz, timestamptz, int);
DROP FUNCTION IF EXISTS vete.vet_key(text, uuid);
DROP TYPE IF EXISTS vete.key_range;
