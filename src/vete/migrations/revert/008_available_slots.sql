-- Revert 008: drop the availability function.
DROP FUNCTION IF EXISTS public.get_available_slots(text, date, uuid, uuid);
DROP FUNCTION IF EXISTS vete.slot_minutes(text);
