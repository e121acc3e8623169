-- name: definable_objects()
-- Every function, view, trigger and policy outside the system schemas (not extension
-- members), with the SQL that puts it back as it is now and the SQL that drops it.
-- (%% doubled: the driver reads the rest as placeholders.)
-- touched: this transaction wrote its catalog row (CREATE OR REPLACE rewrites the row even
-- when nothing changed), so it is one of the objects the definition just applied defines.
WITH me AS (SELECT pg_current_xact_id()::xid AS xid)
SELECT 'function' AS kind,
       p.oid::regprocedure::text AS name,
       pg_get_functiondef(p.oid) AS definition,
       pg_get_functiondef(p.oid) || E';\n'
           || format('COMMENT ON %%s %%s IS %%L', kind.word, p.oid::regprocedure,
                     obj_description(p.oid, 'pg_proc')) AS restore,
       format('DROP %%s %%s', kind.word, p.oid::regprocedure) AS drop,
       p.xmin = me.xid AS touched
FROM pg_proc p
CROSS JOIN me
CROSS JOIN LATERAL (
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS word
) AS kind
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_temp'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  )
UNION ALL
SELECT 'view',
       c.oid::regclass::text,
       pg_get_viewdef(c.oid),
       format('CREATE OR REPLACE VIEW %%s AS %%s', c.oid::regclass, pg_get_viewdef(c.oid)) || E';\n'
           || format('COMMENT ON VIEW %%s IS %%L', c.oid::regclass, obj_description(c.oid, 'pg_class')),
       format('DROP VIEW %%s', c.oid::regclass),
       c.xmin = me.xid OR EXISTS (
           SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.xmin = me.xid
       )
FROM pg_class c
CROSS JOIN me
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'v'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
UNION ALL
SELECT 'trigger',
       format('%%I ON %%s', t.tgname, t.tgrelid::regclass),
       pg_get_triggerdef(t.oid),
       format('DROP TRIGGER IF EXISTS %%I ON %%s', t.tgname, t.tgrelid::regclass) || E';\n'
           || pg_get_triggerdef(t.oid),
       format('DROP TRIGGER %%I ON %%s', t.tgname, t.tgrelid::regclass),
       t.xmin = me.xid
FROM pg_trigger t
CROSS JOIN me
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
UNION ALL
SELECT 'policy',
       format('%%I ON %%s', pol.polname, pol.polrelid::regclass),
       policy.text,
       format('DROP POLICY IF EXISTS %%I ON %%s', pol.polname, pol.polrelid::regclass) || E';\n'
           || policy.text,
       format('DROP POLICY %%I ON %%s', pol.polname, pol.polrelid::regclass),
       pol.xmin = me.xid
FROM pg_policy pol
CROSS JOIN me
CROSS JOIN LATERAL (
    -- PostgreSQL has no pg_get_policydef: the CREATE POLICY statement, from its parts.
    SELECT format(
        'CREATE POLICY %%I ON %%s AS %%s FOR %%s TO %%s%%s%%s',
        pol.polname,
        pol.polrelid::regclass,
        CASE WHEN pol.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
        CASE pol.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE'
                        WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
        CASE WHEN pol.polroles = '{0}' THEN 'PUBLIC'
             ELSE (SELECT string_agg(quote_ident(r.rolname), ', ' ORDER BY r.rolname)
                   FROM pg_roles r WHERE r.oid = ANY (pol.polroles)) END,
        ' USING (' || pg_get_expr(pol.polqual, pol.polrelid) || ')',
        ' WITH CHECK (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')'
    ) AS text
) AS policy;

-- name: definitions_table_exists()$
SELECT to_regclass('vete.schema_definitions') IS NOT NULL;

-- name: current_definitions(migration_set)
-- The newest row of each definition of one set: what is live. checksum NULL: retired.
SELECT DISTINCT ON (definition)
       id, definition, checksum, defines, replaced, created, applied_at, applied_by
FROM vete.schema_definitions
WHERE migration_set = :migration_set
ORDER BY definition, id DESC;

-- name: record_definition(migration_set, definition, checksum, defines, replaced, created, notices, duration_ms)!
-- Written inside the definition's own transaction: both commit or neither.
INSERT INTO vete.schema_definitions
    (migration_set, definition, checksum, defines, replaced, created, notices, duration_ms)
VALUES (:migration_set, :definition, :checksum, :defines, :replaced, :created, :notices,
        :duration_ms);

-- name: forget_definition(id)!
-- Revert: the row before it becomes the live one again.
DELETE FROM vete.schema_definitions WHERE id = :id;

-- name: definition_history(migration_set)
-- Every application of every definition of one set, newest first.
SELECT definition, checksum, defines, applied_at, applied_by
FROM vete.schema_definitions
WHERE migration_set = :migration_set
ORDER BY id DESC;
