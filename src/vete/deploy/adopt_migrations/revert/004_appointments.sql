-- Revert vete-adopt 004: the guard, vete's columns and key, history tables and helpers go;
-- appointments and every row in it stay (cancellations adopt made are in vete.adopt_resolutions).
DROP TRIGGER vete_appointments_no_overlap ON public.appointments;
DROP FUNCTION vete.adopted_appointment_guard();
DROP FUNCTION vete.vet_lock_key(text, uuid);
ALTER TABLE public.appointments DROP COLUMN blocked_range;
DROP POLICY IF EXISTS appointments_owner_or_staff ON public.appointments;
-- adopt:include 003
ALTER TABLE public.appointments DROP COLUMN buffer_minutes;
ALTER TABLE public.appointments DROP CONSTRAINT appointments_tenant_id_id_key;
