-- vete.is_service (first in 001).
-- vete:requires identity/session_role

CREATE OR REPLACE FUNCTION vete.is_service() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT vete.session_role() = 'service_role' $$;

COMMENT ON FUNCTION vete.is_service() IS 'True when the caller may act for any clinic.';

REVOKE ALL ON FUNCTION vete.is_service() FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.is_service() TO anon, authenticated, service_role;
