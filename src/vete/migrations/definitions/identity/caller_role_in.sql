-- vete.caller_role_in (first in 001).

CREATE OR REPLACE FUNCTION vete.caller_role_in(p_tenant_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
    DECLARE
        -- Read here, where the session is: on Citus the query below runs on a worker,
        -- which never sees the caller's claims.
        v_uid uuid := auth.uid();
    BEGIN
        -- PL/pgSQL, not SQL (issue 15): Citus cannot plan an SQL function's query on a
        -- distributed table whose clinic is a parameter ("could not create distributed
        -- plan"); PL/pgSQL binds the value first. It had a SET clause, so it was never
        -- inlined: a single node plans it once per session now instead of once per call.
        RETURN (SELECT p.role FROM public.profiles p
                WHERE p.tenant_id = p_tenant_id AND p.id = v_uid AND p.deleted_at IS NULL);
    END
    $$;

COMMENT ON FUNCTION vete.caller_role_in(text) IS
    'The caller''s role (owner, vet, admin) in a clinic, or NULL when not a member.';

REVOKE ALL ON FUNCTION vete.caller_role_in(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.caller_role_in(text) TO anon, authenticated, service_role;
