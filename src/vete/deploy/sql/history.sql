-- name: applied_migrations(migration_set)
-- Every applied migration of one set, oldest first.
SELECT version, name, checksum, applied_at, duration_ms, notices, replaced, created, backup, applied_by
FROM vete.schema_migrations
WHERE migration_set = :migration_set
ORDER BY version;

-- name: record_migration(migration_set, version, name, checksum, duration_ms, notices, replaced, created, backup)!
-- Written inside the migration's own transaction: both commit or neither.
INSERT INTO vete.schema_migrations
    (migration_set, version, name, checksum, duration_ms, notices, replaced, created, backup)
VALUES (:migration_set, :version, :name, :checksum, :duration_ms, :notices, :replaced, :created, :backup);

-- name: forget_migration(migration_set, version)!
DELETE FROM vete.schema_migrations WHERE migration_set = :migration_set AND version = :version;

-- name: record_event(kind, migration_set, version, name, ok, detail, os_user, client_host)!
INSERT INTO vete.deploy_events (kind, migration_set, version, name, ok, detail, os_user, client_host)
VALUES (:kind, :migration_set, :version, :name, :ok, :detail, :os_user, :client_host);

-- name: events(limit)
-- The newest events first.
SELECT id, at, kind, migration_set, version, name, ok, detail, db_user, os_user, client_host,
       host(client_addr) AS client_addr
FROM vete.deploy_events
ORDER BY id DESC
LIMIT :limit;

-- name: history_exists()$
SELECT to_regclass('vete.schema_migrations') IS NOT NULL;

-- name: supabase_history_columns()
-- Columns of the Supabase CLI's history table, when the database has one.
SELECT column_name
FROM information_schema.columns
WHERE table_schema = 'supabase_migrations' AND table_name = 'schema_migrations';
