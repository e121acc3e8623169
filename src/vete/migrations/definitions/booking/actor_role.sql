-- vete.actor_role (first in 005).
-- vete:requires identity/caller_role_in
-- vete:requires identity/is_service
-- vete:requires identity/session_role

CREATE OR REPLACE FUNCTION vete.actor_role(p_tenant_id text) RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT CASE WHEN vete.is_service() THEN 'service_role'
                    ELSE coalesce(vete.caller_role_in(p_tenant_id), vete.session_role()) END
    $$;

COMMENT ON FUNCTION vete.actor_role(text) IS
    'Who the caller is in a clinic, for the event log: service_role, owner, vet or admin.';

REVOKE ALL ON FUNCTION vete.actor_role(text) FROM PUBLIC, anon, authenticated, service_role;
