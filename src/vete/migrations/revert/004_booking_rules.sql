-- Revert 004: drop the shared booking rules.
DROP FUNCTION IF EXISTS public.resolve_clinic_local_time(text, timestamp, boolean);
DROP FUNCTION IF EXISTS vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS vete.service_window(text, uuid, date);
DROP FUNCTION IF EXISTS vete.vet_time_off(text, uuid, tstzrange);
DROP FUNCTION IF EXISTS vete.vet_weekly(text, uuid, date, text);
DROP FUNCTION IF EXISTS vete.local_date(text, timestamptz);
DROP FUNCTION IF EXISTS vete.clinic_zone(text);
DROP FUNCTION IF EXISTS vete.lock_vet(text, uuid);
DROP FUNCTION IF EXISTS vete.failure(text, text);
DROP FUNCTION IF EXISTS vete.clock();
DROP FUNCTION IF EXISTS vete.clock_for(boolean);
