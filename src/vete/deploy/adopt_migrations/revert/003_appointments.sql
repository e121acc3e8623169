-- Revert vete-adopt 003: the constraint, vete's columns, history tables and helpers go;
-- appointments and every row in it stay (cancellations adopt made are in vete.adopt_resolutions).
ALTER TABLE public.appointments DROP CONSTRAINT appointments_no_overlap;
DROP INDEX public.appointments_vet_start_idx;
ALTER TABLE public.appointments DROP COLUMN blocked_range;
DROP POLICY IF EXISTS appointments_owner_or_staff ON public.appointments;
-- adopt:include 003
ALTER TABLE public.appointments DROP COLUMN buffer_minutes;
ALTER TABLE public.appointments DROP CONSTRAINT appointments_tenant_id_id_key;
