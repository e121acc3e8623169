-- vete.vet_time_off (first in 004).

CREATE OR REPLACE FUNCTION vete.vet_time_off(p_tenant_id text, p_vet_id uuid, p_within tstzrange) RETURNS tstzmultirange
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT coalesce(range_agg(o.period), '{}'::tstzmultirange)
        FROM public.vet_time_off o
        WHERE o.tenant_id = p_tenant_id AND o.vet_id = p_vet_id AND o.period && p_within
    $$;

COMMENT ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) IS 'A vet''s absences overlapping a range.';

REVOKE ALL ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.vet_time_off(text, uuid, tstzrange) TO anon, authenticated, service_role;
