-- The deployer's own bookkeeping, created before anything else runs (idempotent).
CREATE SCHEMA IF NOT EXISTS vete;
COMMENT ON SCHEMA vete IS 'vete internals: identity helpers and the deployer''s history.';

CREATE TABLE IF NOT EXISTS vete.schema_migrations (
    migration_set text NOT NULL,
    version int NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms int NOT NULL,
    notices jsonb NOT NULL DEFAULT '[]',
    replaced jsonb NOT NULL DEFAULT '{}',
    created jsonb NOT NULL DEFAULT '{}',
    backup jsonb,
    applied_by text NOT NULL DEFAULT current_user,
    PRIMARY KEY (migration_set, version)
);
COMMENT ON TABLE vete.schema_migrations IS
    'One row per applied migration: checksum, NOTICEs, and the definitions it replaced (for revert).';

CREATE TABLE IF NOT EXISTS vete.deploy_events (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind text NOT NULL
        CHECK (kind IN ('backup', 'restore', 'deploy', 'verify', 'revert', 'fail', 'baseline')),
    migration_set text,
    version int,
    name text,
    ok boolean NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    db_user text NOT NULL DEFAULT current_user,
    os_user text,
    client_host text,
    client_addr inet DEFAULT inet_client_addr()
);
COMMENT ON TABLE vete.deploy_events IS
    'Append-only log of what the deployer did: when, who and from where.';

CREATE OR REPLACE FUNCTION vete.refuse_event_rewrite() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
    BEGIN
        RAISE EXCEPTION 'vete.deploy_events is append-only'
            USING ERRCODE = 'insufficient_privilege';
    END
    $$;
COMMENT ON FUNCTION vete.refuse_event_rewrite() IS 'Keeps vete.deploy_events append-only.';

DROP TRIGGER IF EXISTS deploy_events_append_only ON vete.deploy_events;
CREATE TRIGGER deploy_events_append_only
    BEFORE UPDATE OR DELETE ON vete.deploy_events
    FOR EACH ROW EXECUTE FUNCTION vete.refuse_event_rewrite();

-- Repeatable definitions (definitions/<domain>/<name>.sql): one row per application, the
-- newest row of a definition is what is live. Created here, so a database deployed before
-- definitions existed gains it on its next deploy with no manual step.
CREATE TABLE IF NOT EXISTS vete.schema_definitions (
    id bigserial PRIMARY KEY,
    migration_set text NOT NULL,
    definition text NOT NULL,
    checksum text,
    defines jsonb NOT NULL DEFAULT '[]',
    replaced jsonb NOT NULL DEFAULT '[]',
    created jsonb NOT NULL DEFAULT '[]',
    notices jsonb NOT NULL DEFAULT '[]',
    duration_ms int NOT NULL DEFAULT 0,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE vete.schema_definitions IS
    'One row per application of a definition file: its checksum, the objects it defines, and'
    ' their previous definitions (for revert). checksum NULL: the file was removed and its'
    ' objects dropped by a versioned migration.';
CREATE INDEX IF NOT EXISTS schema_definitions_newest
    ON vete.schema_definitions (migration_set, definition, id DESC);
