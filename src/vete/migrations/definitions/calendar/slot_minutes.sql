-- vete.slot_minutes (first in 008).

CREATE OR REPLACE FUNCTION vete.slot_minutes(p_tenant_id text) RETURNS int
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT CASE WHEN t.settings ->> 'slot_minutes' ~ '^[0-9]{1,3}$'
                    THEN least(greatest((t.settings ->> 'slot_minutes')::int, 5), 240)
                    ELSE 15 END
        FROM public.tenants t WHERE t.id = p_tenant_id
    $$;

COMMENT ON FUNCTION vete.slot_minutes(text) IS
    'The clinic''s slot grid in minutes (settings.slot_minutes, 5..240, default 15).';

REVOKE ALL ON FUNCTION vete.slot_minutes(text) FROM PUBLIC, anon, authenticated, service_role;
