-- Queries of `vete db distribute` (vete.deploy.distribute): what the target is, what its
-- tables are today, and the steps that distribute them.

-- name: citus_version()$
-- The citus extension's version in this database, NULL when it is not installed.
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'citus';

-- name: anchor_distributed(anchor)$
-- Whether vete db distribute has run here: the anchor table is in Citus's metadata. Asked
-- only where the citus extension exists (pg_dist_partition is Citus's catalog).
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
                WHERE logicalrelid = pg_catalog.to_regclass(:anchor));

-- name: is_coordinator()$
SELECT pg_catalog.citus_is_coordinator();

-- name: active_workers()
SELECT nodename AS host, nodeport AS port
FROM pg_catalog.pg_dist_node
WHERE groupid <> 0 AND isactive AND noderole = 'primary'
ORDER BY nodename, nodeport;

-- name: tables()
-- vete's tables (schemas public, vete, auth; not an extension's) and how Citus holds each:
-- distributed (hash), reference, citus_local (a coordinator table Citus manages) or local.
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
       CASE
           WHEN p.logicalrelid IS NULL THEN 'local'
           WHEN p.partmethod = 'h' THEN 'distributed'
           WHEN p.repmodel = 't' THEN 'reference'
           ELSE 'citus_local'
       END AS kind,
       CASE WHEN p.partmethod = 'h'
            THEN pg_catalog.column_to_column_name(c.oid, p.partkey) END AS column_name,
       p.colocationid AS colocation_id
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = c.oid
WHERE c.relkind IN ('r', 'p')
  AND n.nspname IN ('public', 'vete', 'auth')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                     AND d.deptype = 'e')
ORDER BY 1;

-- name: references()
-- Foreign keys between vete's tables: which table references which.
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS referencing,
       quote_ident(rn.nspname) || '.' || quote_ident(r.relname) AS referenced
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE k.contype = 'f' AND n.nspname IN ('public', 'vete', 'auth')
ORDER BY 1, 2;

-- name: overlap_constraint()$
-- The definition of appointments' no-overlap constraint (NULL when it has none).
SELECT pg_catalog.pg_get_constraintdef(k.oid)
FROM pg_catalog.pg_constraint k
WHERE k.conrelid = 'public.appointments'::regclass AND k.conname = 'appointments_no_overlap';

-- name: has_btree_gist()$
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'btree_gist');

-- name: btree_gist_available()$
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'btree_gist');

-- name: create_btree_gist()!
-- Where Supabase keeps extensions; Citus creates it on the workers too.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;

-- name: rebuild_overlap_constraint()!
-- The same rule in the form Citus accepts: the distribution column with =, and no custom
-- range type (Citus does not propagate vete.key_range). Equality on text and uuid in a
-- GiST index is what btree_gist adds.
ALTER TABLE public.appointments
    DROP CONSTRAINT appointments_no_overlap,
    ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        tenant_id WITH =,
        vet_id WITH =,
        blocked_range WITH &&
    ) WHERE (vete.is_active_status(status) AND deleted_at IS NULL);
COMMENT ON CONSTRAINT appointments_no_overlap ON public.appointments IS
    'The database refuses two active appointments of one vet whose blocked ranges overlap.';

-- name: distribution_settings()!
-- For this transaction only: the two triggers (tenants' time zone check, appointment
-- events' append-only guard) read and refuse only the row they fire for, so they are safe
-- on shards; a transaction that creates several distributed tables with foreign keys
-- between them must use one connection per node.
SET LOCAL citus.enable_unsafe_triggers = on;
SET LOCAL citus.multi_shard_modify_mode = 'sequential';

-- name: create_distributed_table(table, column, colocate_with)$
SELECT pg_catalog.create_distributed_table(
    :table::regclass, :column, colocate_with => :colocate_with)::text;

-- name: create_reference_table(table)$
SELECT pg_catalog.create_reference_table(:table::regclass)::text;

-- name: truncate_local_data(table)$
-- The rows copied to shards stay on the coordinator's disk, invisible; free them.
SELECT pg_catalog.truncate_local_data_after_distributing_table(:table::regclass)::text;

-- name: api_roles_on_workers()
-- The API roles on each worker: log in (Citus connects to a worker as the caller's current
-- role, so a read of a clinic's rows as anon, authenticated or service_role needs the role
-- to log in there), and run the policies' helper queries nested in a shard query
-- (vete.is_staff_of reads the caller's profile of the same clinic, colocated on the same
-- worker, so the nested query runs locally in the same transaction). Changed on the
-- workers only, with propagation off: on the coordinator, where clients connect, the roles
-- stay NOLOGIN. The workers' pg_hba.conf must admit these logins from the coordinator only
-- (docs/scale-out.md). Roles are per server: this holds for every database of the cluster.
SELECT w.nodename || ':' || w.nodeport AS node, w.success, w.result
FROM pg_catalog.run_command_on_workers($cmd$
    SET citus.enable_ddl_propagation = off;
    DO $$
    DECLARE
        r text;
    BEGIN
        FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
                EXECUTE 'ALTER ROLE ' || quote_ident(r) || ' LOGIN';
                EXECUTE 'ALTER ROLE ' || quote_ident(r)
                        || ' SET citus.allow_nested_distributed_execution = on';
            END IF;
        END LOOP;
    END
    $$
$cmd$) w
ORDER BY 1;
