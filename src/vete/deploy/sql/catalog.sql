-- name: function_definitions()
-- Every user-defined function and procedure (not extension members) with its definition.
SELECT p.oid::regprocedure::text AS signature,
       pg_get_functiondef(p.oid) AS definition,
       l.lanname AS language,
       p.prokind AS kind,
       (p.prorettype = 'trigger'::regtype OR p.prorettype = 'event_trigger'::regtype) AS is_trigger,
       n.nspname AS schema_name,
       p.proname AS function_name,
       p.provariadic <> 0 AS is_variadic,
       array(
           SELECT format_type(t.oid, NULL)
           FROM unnest(p.proargtypes) WITH ORDINALITY AS a(oid, pos)
           JOIN pg_type t ON t.oid = a.oid
           ORDER BY a.pos
       ) AS arg_types
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_temp'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  );

-- name: view_definitions()
-- Every user-defined view with its definition.
SELECT c.oid::regclass::text AS name, pg_get_viewdef(c.oid) AS definition
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'v'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  );

-- name: relations()
-- Tables, indexes, sequences and materialized views outside the system schemas.
SELECT c.oid::regclass::text AS name, c.relkind::text AS kind
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'i', 'S', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_temp';

-- name: invalid_indexes()
SELECT i.indexrelid::regclass::text AS name
FROM pg_index i
WHERE NOT i.indisvalid;

-- name: invalid_indexes_named(names)
-- Of the named indexes (schema.name), those that exist and are INVALID.
SELECT n.nspname || '.' || c.relname AS name
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid AND n.nspname || '.' || c.relname = ANY (:names);

-- name: function_overload_counts()
-- How many overloads each user-visible function name has (for the lint's GRANT/DROP rule).
SELECT n.nspname AS schema_name, p.proname AS function_name, count(*) AS overloads
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
GROUP BY 1, 2
HAVING count(*) > 1;
