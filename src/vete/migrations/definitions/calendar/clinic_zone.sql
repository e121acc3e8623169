-- vete.clinic_zone (first in 004).

CREATE OR REPLACE FUNCTION vete.clinic_zone(p_tenant_id text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT t.timezone FROM public.tenants t WHERE t.id = p_tenant_id $$;

COMMENT ON FUNCTION vete.clinic_zone(text) IS 'The clinic''s IANA time zone.';

REVOKE ALL ON FUNCTION vete.clinic_zone(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.clinic_zone(text) TO anon, authenticated, service_role;
