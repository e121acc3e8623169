-- vete.find_appointment (first in 006).
-- vete:requires identity/caller_role_in
-- vete:requires identity/is_service

CREATE OR REPLACE FUNCTION vete.find_appointment(p_appointment_id uuid) RETURNS public.appointments
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog
    AS $$
    DECLARE
        v_found public.appointments;
    BEGIN
        -- Appointment ids are random uuids; the key is (tenant_id, id), so among clinics the
        -- caller belongs to (all, for service callers) at most one can match in practice.
        -- PL/pgSQL, not SQL (issue 15): Citus cannot plan an SQL function's query on a
        -- distributed table whose clinic is a parameter ("could not create distributed
        -- plan"); PL/pgSQL binds the value first. It had a SET clause, so it was never
        -- inlined: a single node plans it once per session now instead of once per call.
        -- Membership is checked here, row by row in creation order, not inside the query:
        -- on Citus that query runs on the workers, where the caller's claims are not.
        FOR v_found IN
            SELECT a.* FROM public.appointments a
            WHERE a.id = p_appointment_id AND a.deleted_at IS NULL
            ORDER BY a.created_at
        LOOP
            IF vete.is_service() OR vete.caller_role_in(v_found.tenant_id) IS NOT NULL THEN
                RETURN v_found;
            END IF;
        END LOOP;
        RETURN NULL;
    END
    $$;

COMMENT ON FUNCTION vete.find_appointment(uuid) IS
    'The live appointment with this id in a clinic the caller belongs to, or NULL.';

REVOKE ALL ON FUNCTION vete.find_appointment(uuid) FROM PUBLIC, anon, authenticated, service_role;
