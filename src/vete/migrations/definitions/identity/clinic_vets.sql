-- Each clinic's vets by name, without their contact details (first in 017).
-- Vets by name: the public face of a clinic's staff. The view reads profiles with its
-- owner's rights (not the caller's), so row-level security does not apply and the view
-- itself is the whole filter; security_barrier keeps a caller's own functions from
-- seeing rows the filter drops.
--
-- Two forms, picked when this file is applied (issue 15, docs/scale-out.md):
-- - one node: the view reads profiles itself (the planner filters by clinic on its index);
-- - Citus (the citus extension exists): Citus expands the view on the coordinator and
--   sends its query to the clinic's worker as the caller, where profiles' policies and
--   privileges apply, not the view owner's: owners saw no vet and anon was refused. There
--   the view reads through vete.clinic_vets_of, a security-definer function, once per
--   clinic row of tenants: a read filtered by clinic goes to that clinic's worker only,
--   where the function reads the colocated profiles as its owner.
-- vete.clinic_vets_of exists in both forms (022 lists its grant): the same names the view
-- shows, for one clinic.

CREATE OR REPLACE FUNCTION vete.clinic_vets_of(p_tenant_id text)
    RETURNS TABLE (id uuid, full_name text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog
AS $$
BEGIN
    RETURN QUERY
        SELECT p.id, p.full_name
        FROM public.profiles p
        WHERE p.tenant_id = p_tenant_id AND p.role = 'vet' AND p.deleted_at IS NULL;
END
$$;

COMMENT ON FUNCTION vete.clinic_vets_of(text) IS
    'One clinic''s live vets, names only (what public.clinic_vets shows of that clinic).';

DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        CREATE OR REPLACE VIEW public.clinic_vets WITH (security_barrier = true) AS
            SELECT t.id AS tenant_id, v.id, v.full_name
            FROM public.tenants t
            CROSS JOIN LATERAL vete.clinic_vets_of(t.id) v;
    ELSE
        CREATE OR REPLACE VIEW public.clinic_vets WITH (security_barrier = true) AS
            SELECT p.tenant_id, p.id, p.full_name
            FROM public.profiles p
            WHERE p.role = 'vet' AND p.deleted_at IS NULL;
    END IF;
END
$do$;

COMMENT ON VIEW public.clinic_vets IS
    'Each clinic''s live vets, names only: what anon and every signed-in user may see of staff.';
