-- vete.caller_role_in (first in 001).

CREATE OR REPLACE FUNCTION vete.caller_role_in(p_tenant_id text) RETURNS text
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
        SELECT p.role FROM public.profiles p
        WHERE p.tenant_id = p_tenant_id AND p.id = auth.uid() AND p.deleted_at IS NULL
    $$;

COMMENT ON FUNCTION vete.caller_role_in(text) IS
    'The caller''s role (owner, vet, admin) in a clinic, or NULL when not a member.';

REVOKE ALL ON FUNCTION vete.caller_role_in(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.caller_role_in(text) TO anon, authenticated, service_role;
