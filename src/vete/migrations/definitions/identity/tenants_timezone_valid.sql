-- vete.check_tenant_timezone, tenants_timezone_valid (first in 001).
-- vete:requires identity/valid_timezone

CREATE OR REPLACE FUNCTION vete.check_tenant_timezone() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
    BEGIN
        IF NOT vete.valid_timezone(NEW.timezone) THEN
            RAISE EXCEPTION 'unknown time zone %', NEW.timezone
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN NEW;
    END
    $$;

COMMENT ON FUNCTION vete.check_tenant_timezone() IS 'Refuses a clinic whose time zone is not an IANA name.';

CREATE OR REPLACE TRIGGER tenants_timezone_valid
    BEFORE INSERT OR UPDATE OF timezone ON public.tenants
    FOR EACH ROW EXECUTE FUNCTION vete.check_tenant_timezone();

REVOKE ALL ON FUNCTION vete.check_tenant_timezone() FROM PUBLIC, anon, authenticated, service_role;
