-- The clinic's booking horizon in days (first in 016, issue 13).

CREATE OR REPLACE FUNCTION vete.booking_horizon_days(p_tenant_id text) RETURNS int
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog
    AS $$
    BEGIN
        -- PL/pgSQL, not SQL (issue 15): Citus cannot plan an SQL function's query on a
        -- distributed table whose clinic is a parameter ("could not create distributed
        -- plan"); PL/pgSQL binds the value first. It had a SET clause, so it was never
        -- inlined: a single node plans it once per session now instead of once per call.
        RETURN (SELECT CASE WHEN t.settings ->> 'booking_horizon_days' ~ '^[0-9]{1,4}$'
                    THEN least(greatest((t.settings ->> 'booking_horizon_days')::int, 1), 3650)
                    ELSE 730 END
        FROM public.tenants t WHERE t.id = p_tenant_id);
    END
    $$;

COMMENT ON FUNCTION vete.booking_horizon_days(text) IS
    'How many days ahead the clinic takes bookings (settings.booking_horizon_days, 1..3650, default 730).';

REVOKE ALL ON FUNCTION vete.booking_horizon_days(text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.booking_horizon_days(text) TO service_role;
