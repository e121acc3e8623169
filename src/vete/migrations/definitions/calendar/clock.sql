-- vete.clock (first in 004).
-- vete:requires calendar/clock_for
-- vete:requires identity/is_service

CREATE OR REPLACE FUNCTION vete.clock() RETURNS timestamptz
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT vete.clock_for(vete.is_service()) $$;

COMMENT ON FUNCTION vete.clock() IS
    'Now, for booking rules; only service_role sessions may pin it (setting vete.clock), for tests.';

REVOKE ALL ON FUNCTION vete.clock() FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.clock() TO anon, authenticated, service_role;
