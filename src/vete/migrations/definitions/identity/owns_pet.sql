-- vete.owns_pet (first in 003).

CREATE OR REPLACE FUNCTION vete.owns_pet(p_tenant_id text, p_pet_id uuid) RETURNS boolean
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
        RETURN coalesce((
            SELECT p.owner_id = v_uid FROM public.pets p
            WHERE p.tenant_id = p_tenant_id AND p.id = p_pet_id
        ), false);
    END
    $$;

COMMENT ON FUNCTION vete.owns_pet(text, uuid) IS 'True when the caller owns the pet in that clinic.';

REVOKE ALL ON FUNCTION vete.owns_pet(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.owns_pet(text, uuid) TO authenticated, service_role;
