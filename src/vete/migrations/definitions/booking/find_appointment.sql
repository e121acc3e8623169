-- vete.find_appointment (first in 006).
-- vete:requires identity/caller_role_in
-- vete:requires identity/is_service

CREATE OR REPLACE FUNCTION vete.find_appointment(p_appointment_id uuid) RETURNS public.appointments
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- Appointment ids are random uuids; the key is (tenant_id, id), so among clinics the
        -- caller belongs to (all, for service callers) at most one can match in practice.
        SELECT a.* FROM public.appointments a
        WHERE a.id = p_appointment_id AND a.deleted_at IS NULL
          AND (vete.is_service() OR vete.caller_role_in(a.tenant_id) IS NOT NULL)
        ORDER BY a.created_at
        LIMIT 1
    $$;

COMMENT ON FUNCTION vete.find_appointment(uuid) IS
    'The live appointment with this id in a clinic the caller belongs to, or NULL.';

REVOKE ALL ON FUNCTION vete.find_appointment(uuid) FROM PUBLIC, anon, authenticated, service_role;
