-- vete.is_staff_of (first in 001).
-- vete:requires identity/caller_role_in
-- vete:requires identity/is_service

CREATE OR REPLACE FUNCTION vete.is_staff_of(p_tenant_id text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$ SELECT vete.is_service() OR coalesce(vete.caller_role_in(p_tenant_id) IN ('vet', 'admin'), false) $$;

COMMENT ON FUNCTION vete.is_staff_of(text) IS 'True for service callers and for vets and admins of the clinic.';

REVOKE ALL ON FUNCTION vete.is_staff_of(text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.is_staff_of(text) TO anon, authenticated, service_role;
