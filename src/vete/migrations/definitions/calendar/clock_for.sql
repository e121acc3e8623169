-- vete.clock_for (first in 004).

CREATE OR REPLACE FUNCTION vete.clock_for(p_service_caller boolean) RETURNS timestamptz
    LANGUAGE sql STABLE
    AS $$
        -- "Now" for booking rules. The platform itself (service_role) may pin it with
        -- set_config('vete.clock', '<timestamptz>', true) — tests of past dates use this;
        -- a signed-in caller always gets the real transaction time. No SET clause and
        -- schema-qualified calls only, so the planner inlines it into callers that already
        -- know whether the session is the platform's (book_appointment_atomic).
        SELECT CASE
            WHEN p_service_caller AND nullif(pg_catalog.current_setting('vete.clock', true), '') IS NOT NULL
                THEN pg_catalog.current_setting('vete.clock', true)::timestamptz
            ELSE pg_catalog.now()
        END
    $$;

COMMENT ON FUNCTION vete.clock_for(boolean) IS
    'Now, for booking rules, given whether the caller is service_role (only it may pin vete.clock).';

REVOKE ALL ON FUNCTION vete.clock_for(boolean) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.clock_for(boolean) TO anon, authenticated, service_role;
