-- 021: the grant of the catalog's service probe (issue 15).
-- vete:expect-notice vete 021 store service offer grants ready
--
-- vete.store_catalog read a clinic's services in a subquery of its own query; on Citus
-- that query would go whole to a worker with the product probe's call inside. The service
-- probe is now a function of its own (definitions/store/store_service_offer.sql), inlined
-- on one node like vete.store_product_offer. This migration lists it in
-- vete.intended_grants: executable by service_role, as the rest of the catalog; the
-- definition, applied after it, creates it.

INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES ('function', 'vete.store_service_offer(text, uuid, uuid, uuid)', '{}', '{}', '{EXECUTE}');
SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 021 store service offer grants ready'; END $$;
