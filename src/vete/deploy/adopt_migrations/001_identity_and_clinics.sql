-- vete-adopt 001: the clinic tables of the original gain what vete's code needs, then vete's
-- 001 runs for everything it creates that is not there yet (identity helpers, policies).
-- vete:expect-notice vete-adopt 001 clinics adopted
--
-- The original's primary keys (id alone) stay. vete keys every tenant table by
-- (tenant_id, id): a unique constraint on that pair gives vete's foreign keys their target
-- and cannot fail, since id alone is already unique.

ALTER TABLE public.tenants ADD COLUMN timezone text;
-- The original meant settings.timezone to hold the zone; a value that is not an IANA name
-- falls back to America/Asuncion (vete db adopt reports which clinics did).
UPDATE public.tenants t
SET timezone = CASE WHEN EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = t.settings ->> 'timezone')
                    THEN t.settings ->> 'timezone' ELSE 'America/Asuncion' END;
ALTER TABLE public.tenants
    ALTER COLUMN timezone SET DEFAULT 'America/Asuncion',
    ALTER COLUMN timezone SET NOT NULL;
COMMENT ON COLUMN public.tenants.timezone IS
    'IANA zone slots are computed in (added by vete db adopt from settings.timezone).';

ALTER TABLE public.profiles ADD CONSTRAINT profiles_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE public.pets ADD CONSTRAINT pets_tenant_id_id_key UNIQUE (tenant_id, id);
ALTER TABLE public.services ADD CONSTRAINT services_tenant_id_id_key UNIQUE (tenant_id, id);
COMMENT ON CONSTRAINT profiles_tenant_id_id_key ON public.profiles IS
    'vete''s key (tenant_id, id) beside the original primary key: target of vete''s foreign keys.';
COMMENT ON CONSTRAINT pets_tenant_id_id_key ON public.pets IS
    'vete''s key (tenant_id, id) beside the original primary key: target of vete''s foreign keys.';
COMMENT ON CONSTRAINT services_tenant_id_id_key ON public.services IS
    'vete''s key (tenant_id, id) beside the original primary key: target of vete''s foreign keys.';

-- adopt:include 001

DO $$ BEGIN RAISE NOTICE 'vete-adopt 001 clinics adopted'; END $$;
