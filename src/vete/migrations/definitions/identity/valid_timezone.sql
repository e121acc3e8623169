-- vete.valid_timezone (first in 001).

CREATE OR REPLACE FUNCTION vete.valid_timezone(p_zone text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_zone) $$;

COMMENT ON FUNCTION vete.valid_timezone(text) IS 'True when p_zone is an IANA time zone name.';

REVOKE ALL ON FUNCTION vete.valid_timezone(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.valid_timezone(text) TO anon, authenticated, service_role;
