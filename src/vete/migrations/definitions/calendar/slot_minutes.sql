-- vete.slot_minutes (first in 008).

CREATE OR REPLACE FUNCTION vete.slot_minutes(p_tenant_id text) RETURNS int
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog
    AS $$
    BEGIN
        -- PL/pgSQL, not SQL (issue 15): Citus cannot plan an SQL function's query on a
        -- distributed table whose clinic is a parameter ("could not create distributed
        -- plan"); PL/pgSQL binds the value first. It had a SET clause, so it was never
        -- inlined: a single node plans it once per session now instead of once per call.
        RETURN (SELECT CASE WHEN t.settings ->> 'slot_minutes' ~ '^[0-9]{1,3}$'
                    THEN least(greatest((t.settings ->> 'slot_minutes')::int, 5), 240)
                    ELSE 15 END
        FROM public.tenants t WHERE t.id = p_tenant_id);
    END
    $$;

COMMENT ON FUNCTION vete.slot_minutes(text) IS
    'The clinic''s slot grid in minutes (settings.slot_minutes, 5..240, default 15).';

REVOKE ALL ON FUNCTION vete.slot_minutes(text) FROM PUBLIC, anon, authenticated, service_role;
