-- policy tenants_public_read on public.tenants (first in 001).

DROP POLICY IF EXISTS tenants_public_read ON public.tenants;

CREATE POLICY tenants_public_read ON public.tenants FOR SELECT TO anon, authenticated USING (true);
