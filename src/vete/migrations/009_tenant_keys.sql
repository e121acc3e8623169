-- 009: the scale-out rule as a catalog query — tenant_id in every key of every tenant table.
-- vete:expect-notice vete 009 tenant key check ready
-- vete:valid-checksum b0c504488640486c779a3d5702cc2943cbf395cfec493b91767ec6f2c171190c
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions"; its verify script calls:)
-- vete:requires identity/tenant_key_violations
--
-- To distribute by tenant_id (Citus) with each transaction on one shard, every table that
-- carries tenant_id needs it in its primary key and in every unique and exclusion
-- constraint, and every foreign key between tenant tables must match on it. The tests,
-- `vete db monitor` and this migration's verify script all ask this one function.

DO $$ BEGIN RAISE NOTICE 'vete 009 tenant key check ready'; END $$;
