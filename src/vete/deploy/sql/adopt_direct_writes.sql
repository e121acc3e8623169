-- The original's signed-in callers writing appointments directly (vete db adopt
-- --keep-direct-writes, docs/adopt.md "The original's own write paths, after adopt").
-- vete's migration 017 gives `authenticated` SELECT only on appointments: clients book
-- through vete's functions. The original's app INSERTs as the owner ("Owners create
-- appointments"), UPDATEs as staff ("Staff manage appointments") and as the owner ("Owners
-- cancel appointments"). Kept, those writes are governed by the original's policies (vete's
-- own policy on the table is SELECT only) and by vete's no-overlap trigger.

-- name: direct_writes_kept()$
-- True when signed-in users may write appointments directly (vete's list says so).
SELECT coalesce((SELECT g.authenticated @> '{INSERT,UPDATE,DELETE}'
                 FROM vete.intended_grants g
                 WHERE g.object_type = 'table' AND g.object_name = 'public.appointments'), false);

-- name: list_direct_writes()!
-- vete's list of intended grants says so, and the grant follows it (deploys after this
-- compare the table's ACL with the list: no drift).
UPDATE vete.intended_grants
   SET authenticated = '{SELECT,INSERT,UPDATE,DELETE}'
 WHERE object_type = 'table' AND object_name = 'public.appointments';

-- name: grant_direct_writes()!
GRANT INSERT, UPDATE, DELETE ON public.appointments TO authenticated;
