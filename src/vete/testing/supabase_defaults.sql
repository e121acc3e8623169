-- A Supabase project's privileges, reproduced on a test database before vete is deployed
-- into it, so that the whole suite runs where every new object in public is granted to
-- the API roles.
--
-- From supabase/postgres, migrations/db/init-scripts/00000000000000-initial-schema.sql
-- (run as postgres, the role that later deploys, so the unqualified ALTER DEFAULT
-- PRIVILEGES are postgres's; the same three are repeated FOR USER supabase_admin, a role
-- vete never deploys as). The roles are created as that script creates them when the
-- server has none yet (roles are per server; migration 001 would create them the same way).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;
END
$$;

-- "postgres" in Supabase's script is the deploying role: here, whoever runs the tests.
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I, anon, authenticated, service_role',
                   current_user);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES'
                   ' TO %I, anon, authenticated, service_role', current_user);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS'
                   ' TO %I, anon, authenticated, service_role', current_user);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES'
                   ' TO %I, anon, authenticated, service_role', current_user);
END
$$;
