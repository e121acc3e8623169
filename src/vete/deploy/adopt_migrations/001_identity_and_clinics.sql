-- vete-adopt 001: the clinic tables of the original gain what vete's code needs, then vete's
-- 001 runs for everything it creates that is not there yet (identity helpers, policies).
-- vete:expect-notice vete-adopt 001 clinics adopted
--
-- The original's primary keys (id alone) stay. vete keys every tenant table by
-- (tenant_id, id): a unique constraint on that pair gives vete's foreign keys their target
-- and cannot fail, since id alone is already unique.

CREATE SCHEMA IF NOT EXISTS vete;
CREATE FUNCTION vete.adopt_backfill(p_table regclass, p_assignments text) RETURNS bigint
    LANGUAGE plpgsql STRICT
    SET search_path = pg_catalog, public
    AS $$
    -- Fills a column adopt added (UPDATE p_table SET p_assignments) with the table's own
    -- enabled triggers held off: the original's handle_updated_at would otherwise stamp
    -- every row as edited, and its other triggers have nothing to check in adopt's column.
    -- The triggers that were enabled are enabled again in the same transaction.
    DECLARE
        v_enabled text[] := ARRAY(
            SELECT t.tgname FROM pg_trigger t
            WHERE t.tgrelid = p_table AND NOT t.tgisinternal AND t.tgenabled <> 'D' ORDER BY 1);
        v_name text;
        v_rows bigint;
    BEGIN
        FOREACH v_name IN ARRAY v_enabled LOOP
            EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', p_table, v_name);
        END LOOP;
        EXECUTE format('UPDATE %s SET %s', p_table, p_assignments);
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        FOREACH v_name IN ARRAY v_enabled LOOP
            EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', p_table, v_name);
        END LOOP;
        RETURN v_rows;
    END
    $$;
COMMENT ON FUNCTION vete.adopt_backfill(regclass, text) IS
    'vete db adopt: fill a column it added without firing the original''s triggers (updated_at stays).';
REVOKE EXECUTE ON FUNCTION vete.adopt_backfill(regclass, text) FROM PUBLIC;

ALTER TABLE public.tenants ADD COLUMN timezone text;
-- The original meant settings.timezone to hold the zone; a value that is not an IANA name
-- falls back to America/Asuncion (vete db adopt reports which clinics did).
SELECT vete.adopt_backfill('public.tenants', $$
    timezone = CASE WHEN EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = settings ->> 'timezone')
                    THEN settings ->> 'timezone' ELSE 'America/Asuncion' END $$);
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
