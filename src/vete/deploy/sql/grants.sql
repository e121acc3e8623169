-- The deployer's grant check, once migration 017 has made vete.intended_grants.

-- name: has_intended_grants()$
-- True when the database keeps vete's intended-grants list (migration 017 or later).
SELECT to_regprocedure('vete.grant_drift()') IS NOT NULL AS present;

-- name: grant_drift()
-- Each privilege of PUBLIC or an API role that differs from the list.
SELECT object_name, grantee, privilege, problem FROM vete.grant_drift();

-- name: unlisted(names)
-- Of the named relations and functions (as the catalog snapshot prints them), those in
-- schemas public and vete that can carry grants and have no row in the list: tables,
-- views, materialized views, sequences and functions; indexes carry none.
WITH named AS (
    SELECT n AS name, coalesce(to_regclass(n)::oid, to_regprocedure(n)::oid) AS oid
    FROM unnest(:names::text[]) n
    WHERE n !~ '\('
    UNION ALL
    SELECT n, to_regprocedure(n)::oid FROM unnest(:names::text[]) n WHERE n ~ '\('
)
SELECT quote_ident(ns.nspname) || '.' || CASE
           WHEN c.oid IS NOT NULL THEN quote_ident(c.relname)
           ELSE quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
       END AS name
FROM named
LEFT JOIN pg_class c ON c.oid = named.oid AND named.name !~ '\('
LEFT JOIN pg_proc p ON p.oid = named.oid AND named.name ~ '\('
JOIN pg_namespace ns ON ns.oid = coalesce(c.relnamespace, p.pronamespace)
WHERE ns.nspname IN ('public', 'vete')
  AND (c.relkind IN ('r', 'p', 'v', 'm', 'S') OR p.oid IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM vete.intended_grants g
                  WHERE vete.intended_object_oid(g.object_type, g.object_name) = named.oid)
ORDER BY 1;
