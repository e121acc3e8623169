-- policy vet_time_off_staff_read on public.vet_time_off (first in 002).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS vet_time_off_staff_read ON public.vet_time_off;

CREATE POLICY vet_time_off_staff_read ON public.vet_time_off
    FOR SELECT TO authenticated USING (vete.is_staff_of(tenant_id));

COMMENT ON POLICY vet_time_off_staff_read ON public.vet_time_off IS 'Only the clinic''s staff see absences.';
