-- name: extension_state()^
-- Whether the server ships plpgsql_check, and whether (and where) the target has it.
SELECT (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = 'plpgsql_check')
           AS available_version,
       e.extversion AS installed_version,
       e.extnamespace::regnamespace::text AS schema_name
FROM (SELECT 1) AS one
LEFT JOIN pg_extension e ON e.extname = 'plpgsql_check';

-- name: create_scratch_extension#
-- Only ever run inside a savepoint that is rolled back: the target is left without it.
-- Its own schema, so that nothing it defines can meet the target's objects.
CREATE SCHEMA vete_plpgsql_check;
CREATE EXTENSION plpgsql_check SCHEMA vete_plpgsql_check;

-- name: check_targets(signature)
-- What to check one function against: each table whose trigger calls a trigger function
-- (with its transition tables), or once with no table for any other function. A trigger
-- function that no trigger uses yet has no row.
SELECT t.tgrelid::oid AS relid, t.tgoldtable::text AS oldtable, t.tgnewtable::text AS newtable
FROM pg_trigger t
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE p.oid = CAST(:signature AS regprocedure) AND p.prorettype = 'trigger'::regtype
UNION ALL
SELECT 0, NULL, NULL
FROM pg_proc p
WHERE p.oid = CAST(:signature AS regprocedure) AND p.prorettype <> 'trigger'::regtype;

-- name: function_source(signature)$
SELECT prosrc FROM pg_proc WHERE oid = CAST(:signature AS regprocedure);
