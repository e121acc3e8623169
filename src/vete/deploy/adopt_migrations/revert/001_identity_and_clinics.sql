-- Revert vete-adopt 001: vete's policies and helpers go, the added column and keys go.
DROP POLICY tenants_public_read ON public.tenants;
DROP POLICY services_public_read ON public.services;
DROP POLICY profiles_self_or_staff ON public.profiles;
DROP POLICY profiles_vets_visible ON public.profiles;
DROP POLICY pets_owner_or_staff ON public.pets;
DROP TRIGGER tenants_timezone_valid ON public.tenants;
-- adopt:include 001
ALTER TABLE public.services DROP CONSTRAINT services_tenant_id_id_key;
ALTER TABLE public.pets DROP CONSTRAINT pets_tenant_id_id_key;
ALTER TABLE public.profiles DROP CONSTRAINT profiles_tenant_id_id_key;
ALTER TABLE public.tenants DROP COLUMN timezone;
DROP FUNCTION IF EXISTS vete.adopt_backfill(regclass, text, text);
