-- vete.session_role (first in 001; the body 014 gave it).

-- The role the request runs as, as 001 defined it: behind PostgREST (or vete's API) the
-- role it switched to (SET LOCAL ROLE); a direct connection with no role switch and no
-- claims is the platform itself (migrations, vete demo, operators) and counts as
-- service_role; claims never raise the privilege of a switched role. Now with an
-- SQL-standard body (RETURN) and no SET clause: its names are bound when the function is
-- created, not looked up in the caller's search_path, so it is safe without SET, and the
-- planner inlines it. With the SET clause it could not be inlined, and PostgreSQL 15
-- (which caches no plans of SQL functions) planned it again on every call: ~30 us of
-- every call that checks identity.
-- A session that logged in as an API role is that role too: on a Citus worker the
-- coordinator connects as the caller's current role, so a shard query sees no SET ROLE and
-- no claims, and without this line an `authenticated` login there would have counted as
-- the platform and passed every `vete.is_service()` policy (measured on the cluster: an
-- owner read every clinic profile; tests/citus/test_api_roles.py).
CREATE OR REPLACE FUNCTION vete.session_role() RETURNS text
    LANGUAGE sql STABLE
    RETURN CASE
        WHEN current_setting('role') IN ('anon', 'authenticated', 'service_role')
            THEN current_setting('role')
        WHEN session_user IN ('anon', 'authenticated', 'service_role')
            THEN session_user
        WHEN nullif(current_setting('request.jwt.claims', true), '') IS NOT NULL
            THEN coalesce(current_setting('request.jwt.claims', true)::jsonb ->> 'role', 'anon')
        ELSE 'service_role'
    END;

COMMENT ON FUNCTION vete.session_role() IS
    'anon, authenticated or service_role: who the current request runs as.';

REVOKE ALL ON FUNCTION vete.session_role() FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.session_role() TO anon, authenticated, service_role;
