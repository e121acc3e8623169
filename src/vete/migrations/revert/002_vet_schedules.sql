-- Revert 002: drop the schedule tables (their rows go with them).
DROP TABLE IF EXISTS public.vet_time_off;
DROP TABLE IF EXISTS public.vet_working_hours;
