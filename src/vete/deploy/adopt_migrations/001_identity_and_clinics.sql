-- vete-adopt 001: the clinic tables of the original gain what vete's code needs, then vete's
-- 001 runs for everything it creates that is not there yet (identity helpers, policies).
-- vete:expect-notice vete-adopt 001 clinics adopted
--
-- The original's primary keys (id alone) stay. vete keys every tenant table by
-- (tenant_id, id): a unique constraint on that pair gives vete's foreign keys their target
-- and cannot fail, since id alone is already unique.

CREATE SCHEMA IF NOT EXISTS vete;
CREATE FUNCTION vete.adopt_backfill(p_table regclass, p_assignments text, p_where text DEFAULT 'true')
    RETURNS bigint
    LANGUAGE plpgsql STRICT
    SET search_path = pg_catalog, public
    AS $$
    -- Fills a column adopt added (UPDATE p_table SET p_assignments WHERE p_where) with the
    -- table's own triggers held off: the original's handle_updated_at would otherwise stamp
    -- every row as edited, validate_appointment_booking would check every appointment again,
    -- and none of them has anything to check in adopt's column. adopt 005 calls it once per
    -- batch of 2,000 appointments, each in its own transaction.
    --
    -- Held off by session_replication_role = replica for this UPDATE only: no lock, so
    -- the application's writes go on beside a batch. Where the role may not set it, or a
    -- trigger of the table fires in replica mode too (ENABLE ALWAYS / REPLICA), the
    -- table's enabled triggers are disabled for this transaction instead: that holds
    -- SHARE ROW EXCLUSIVE (writers of the table wait) until the transaction ends.
    DECLARE
        v_enabled text[] := ARRAY(
            SELECT t.tgname FROM pg_trigger t
            WHERE t.tgrelid = p_table AND NOT t.tgisinternal AND t.tgenabled <> 'D' ORDER BY 1);
        v_role text := current_setting('session_replication_role');
        v_replica boolean := NOT EXISTS (
            SELECT 1 FROM pg_trigger t
            WHERE t.tgrelid = p_table AND NOT t.tgisinternal AND t.tgenabled IN ('A', 'R'));
        v_name text;
        v_rows bigint;
    BEGIN
        IF v_replica THEN
            BEGIN
                PERFORM set_config('session_replication_role', 'replica', true);
            EXCEPTION WHEN insufficient_privilege THEN
                v_replica := false;
            END;
        END IF;
        IF NOT v_replica THEN
            FOREACH v_name IN ARRAY v_enabled LOOP
                EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', p_table, v_name);
            END LOOP;
        END IF;
        EXECUTE format('UPDATE %s SET %s WHERE %s', p_table, p_assignments, p_where);
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_replica THEN
            PERFORM set_config('session_replication_role', v_role, true);
        ELSE
            FOREACH v_name IN ARRAY v_enabled LOOP
                EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', p_table, v_name);
            END LOOP;
        END IF;
        RETURN v_rows;
    END
    $$;
COMMENT ON FUNCTION vete.adopt_backfill(regclass, text, text) IS
    'vete db adopt: fill a column it added without firing the original''s triggers (updated_at stays).';
REVOKE EXECUTE ON FUNCTION vete.adopt_backfill(regclass, text, text) FROM PUBLIC;

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
