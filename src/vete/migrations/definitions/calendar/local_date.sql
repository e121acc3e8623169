-- vete.local_date (first in 004).
-- vete:requires calendar/clinic_zone

CREATE OR REPLACE FUNCTION vete.local_date(p_tenant_id text, p_at timestamptz) RETURNS date
    LANGUAGE sql STABLE
    -- An SQL-standard body and no SET clause (as vete.session_role): names bound at
    -- creation, and the planner inlines it into its callers.
    RETURN (p_at AT TIME ZONE vete.clinic_zone(p_tenant_id))::date;

COMMENT ON FUNCTION vete.local_date(text, timestamptz) IS 'The clinic''s calendar date at an instant.';

REVOKE ALL ON FUNCTION vete.local_date(text, timestamptz) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.local_date(text, timestamptz) TO anon, authenticated, service_role;
