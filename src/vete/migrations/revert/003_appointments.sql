-- Revert 003: drop appointments, their history and idempotency records, and the key helpers.
-- Its functions, triggers and policies live in definitions/ and are left as they are (a
-- definition file is their one current source, docs/deploy.md "Definitions"); those on
-- its tables go with the tables.
-- vete.find_appointment (a definition) returns an appointments row: it cannot outlive the
-- table, and the next deploy applies it again.
DROP FUNCTION IF EXISTS vete.find_appointment(uuid);
DROP TABLE IF EXISTS public.booking_requests;
DROP TABLE IF EXISTS public.appointment_events;
DROP TABLE IF EXISTS public.appointments;
DROP FUNCTION IF EXISTS vete.is_active_status(text);
DROP FUNCTION IF EXISTS vete.blocked_range(timestamptz, timestamptz, int);
DROP FUNCTION IF EXISTS vete.vet_key(text, uuid);
DROP TYPE IF EXISTS vete.key_range;
