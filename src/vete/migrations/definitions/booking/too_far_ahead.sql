-- START_TOO_FAR_AHEAD, naming the clinic's horizon (first in 016, issue 13).
-- vete:requires booking/failure
-- vete:requires calendar/booking_horizon_days

CREATE OR REPLACE FUNCTION vete.too_far_ahead(p_tenant_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT vete.failure('START_TOO_FAR_AHEAD',
            format('La cita no puede empezar más de %s días después de hoy',
                   vete.booking_horizon_days(p_tenant_id)))
    $$;

COMMENT ON FUNCTION vete.too_far_ahead(text) IS
    'START_TOO_FAR_AHEAD with the clinic''s horizon in days.';

REVOKE ALL ON FUNCTION vete.too_far_ahead(text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.too_far_ahead(text) TO service_role;
