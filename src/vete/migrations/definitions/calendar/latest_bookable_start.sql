-- The latest start a booking may have: now + the clinic's horizon (first in 016).
-- vete:requires calendar/booking_horizon_days

CREATE OR REPLACE FUNCTION vete.latest_bookable_start(p_tenant_id text) RETURNS timestamptz
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- From the real transaction time, not vete.clock(): a pinned clock (service_role,
        -- for tests of past dates) moves "the past", never this bound, so no session can
        -- book year 10000 by pinning the clock there. Whole days of 24 hours
        -- (make_interval(hours =>)): the same instant in every session time zone; 3650
        -- days from now stays far inside the years 1..9999 every client can read.
        SELECT now() + make_interval(hours => 24 * vete.booking_horizon_days(p_tenant_id))
    $$;

COMMENT ON FUNCTION vete.latest_bookable_start(text) IS
    'The latest instant an appointment of the clinic may start: now + its booking horizon.';

REVOKE ALL ON FUNCTION vete.latest_bookable_start(text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.latest_bookable_start(text) TO service_role;
