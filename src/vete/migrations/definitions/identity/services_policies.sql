-- policy services_public_read on public.services (first in 001).

DROP POLICY IF EXISTS services_public_read ON public.services;

CREATE POLICY services_public_read ON public.services FOR SELECT TO anon, authenticated
    USING (deleted_at IS NULL);
