-- policy vet_working_hours_public_read on public.vet_working_hours (first in 002).

DROP POLICY IF EXISTS vet_working_hours_public_read ON public.vet_working_hours;

-- Opening hours are public (the booking page shows them); absences are staff data.
CREATE POLICY vet_working_hours_public_read ON public.vet_working_hours
    FOR SELECT TO anon, authenticated USING (true);

COMMENT ON POLICY vet_working_hours_public_read ON public.vet_working_hours IS 'Anyone may read opening hours and breaks.';
