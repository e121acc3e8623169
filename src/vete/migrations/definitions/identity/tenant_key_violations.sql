-- vete.tenant_key_violations (first in 009).

CREATE OR REPLACE FUNCTION vete.tenant_key_violations()
    RETURNS TABLE (table_name text, constraint_name text, problem text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        WITH tenant_tables AS (
            SELECT c.oid, c.oid::regclass::text AS name, a.attnum AS tenant_att
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
        )
        SELECT t.name, NULL::text, 'no primary key'
        FROM tenant_tables t
        WHERE NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'p')
        UNION ALL
        -- Keys: tenant_id as a column, or inside an expression (exclusion on vete.vet_key(tenant_id, …)).
        SELECT t.name, k.conname::text, 'key without tenant_id'
        FROM tenant_tables t
        JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')
        WHERE NOT (t.tenant_att = ANY (k.conkey))
          AND NOT EXISTS (
              SELECT 1 FROM pg_index i
              WHERE i.indexrelid = k.conindid
                AND pg_get_expr(i.indexprs, i.indrelid) ~ '\mtenant_id\M')
        UNION ALL
        -- Foreign keys to another tenant table must pair tenant_id with tenant_id.
        SELECT t.name, k.conname::text, 'foreign key without tenant_id'
        FROM tenant_tables t
        JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
        JOIN tenant_tables r ON r.oid = k.confrelid
        WHERE NOT EXISTS (
            SELECT 1 FROM unnest(k.conkey, k.confkey) AS pair(local_att, remote_att)
            WHERE pair.local_att = t.tenant_att AND pair.remote_att = r.tenant_att)
        UNION ALL
        -- A reference to the clinics table itself must come from tenant_id.
        SELECT t.name, k.conname::text, 'tenants referenced from a column other than tenant_id'
        FROM tenant_tables t
        JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
        WHERE k.confrelid = 'public.tenants'::regclass
          AND k.conkey <> ARRAY[t.tenant_att]
        ORDER BY 1, 2
    $$;

COMMENT ON FUNCTION vete.tenant_key_violations() IS
    'Tenant tables whose primary, unique, exclusion or foreign keys leave out tenant_id (empty when sharding by tenant is possible).';

REVOKE ALL ON FUNCTION vete.tenant_key_violations() FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.tenant_key_violations() TO service_role;
