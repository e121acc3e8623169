-- Revert vete-adopt 001: vete's policies and helpers go, the added column and keys go.
DROP POLICY IF EXISTS tenants_public_read ON public.tenants;
DROP POLICY IF EXISTS services_public_read ON public.services;
DROP POLICY IF EXISTS profiles_self_or_staff ON public.profiles;
DROP POLICY IF EXISTS profiles_vets_visible ON public.profiles;
DROP POLICY IF EXISTS pets_owner_or_staff ON public.pets;
DROP TRIGGER IF EXISTS tenants_timezone_valid ON public.tenants;
-- adopt:include 001
ALTER TABLE public.services DROP CONSTRAINT services_tenant_id_id_key;
ALTER TABLE public.pets DROP CONSTRAINT pets_tenant_id_id_key;
ALTER TABLE public.profiles DROP CONSTRAINT profiles_tenant_id_id_key;
ALTER TABLE public.tenants DROP COLUMN timezone;
DROP FUNCTION IF EXISTS vete.adopt_backfill(regclass, text, text);
