-- 022: the grant list entries of the functions that make reads as the API roles answer on
-- Citus what they answer on one node (issue 15, docs/scale-out.md).
-- vete:expect-notice vete 022 reads on citus ready
--
-- On a Citus coordinator a read of a clinic's rows runs on the worker holding the clinic,
-- as the caller's role, and row-level security is applied there.
-- - vete.forward_claims_to_workers (definitions/identity/forward_claims_to_workers.sql)
--   sends the request's claims on to the workers; it is for vete's own sessions, and no
--   API role may execute it (it would set its own claims). vete.forward_request_claims,
--   beside it, is PostgREST's pre-request form: it sends on the claims already set, so
--   every API role may execute it.
-- - vete.clinic_vets_of (definitions/identity/clinic_vets.sql): one clinic's live vets by
--   name, read with its owner's rights, which public.clinic_vets reads through on Citus;
--   executable by every API role, as the view is readable by them.
-- The definitions, applied after this migration, create them.

INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES ('function', 'vete.forward_claims_to_workers(text)', '{}', '{}', '{}'),
       ('function', 'vete.forward_request_claims()', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
       ('function', 'vete.clinic_vets_of(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}');
SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 022 reads on citus ready'; END $$;
