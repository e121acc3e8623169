-- vete-adopt 003: the unique index under vete's key (tenant_id, id) of appointments, built
-- without blocking reads or writes. 004 turns it into the constraint vete's foreign keys
-- (appointment_events, booking_requests) point at.
-- vete:no-transaction
-- vete:expect-notice vete-adopt 003 appointment keys built
--
-- CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (reads and writes go on) and waits
-- for transactions older than itself: it may wait long, blocking nobody, hence its own
-- lock_timeout. Killed before its history row was written, the file runs again: an index
-- left INVALID is dropped by the deployer first (docs/deploy.md, "Files outside a
-- transaction"), one left valid is kept (IF NOT EXISTS).

SET lock_timeout = '10min';

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS appointments_tenant_id_id_key
    ON public.appointments (tenant_id, id);

DO $$ BEGIN RAISE NOTICE 'vete-adopt 003 appointment keys built'; END $$;
