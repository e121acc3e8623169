-- vete.owns_pet (first in 003).

CREATE OR REPLACE FUNCTION vete.owns_pet(p_tenant_id text, p_pet_id uuid) RETURNS boolean
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
        SELECT coalesce((
            SELECT p.owner_id = auth.uid() FROM public.pets p
            WHERE p.tenant_id = p_tenant_id AND p.id = p_pet_id
        ), false)
    $$;

COMMENT ON FUNCTION vete.owns_pet(text, uuid) IS 'True when the caller owns the pet in that clinic.';

REVOKE ALL ON FUNCTION vete.owns_pet(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.owns_pet(text, uuid) TO authenticated, service_role;
