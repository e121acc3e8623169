-- vete-adopt 005: what 004's guard reads, built while reads and writes go on: blocked_range
-- filled in batches, the GiST index of the no-overlap check and the vet-calendar index built
-- concurrently, buffer_minutes' CHECK validated, and a last look for overlaps that slipped
-- in before 004's guard existed.
-- vete:no-transaction
-- vete:expect-notice vete-adopt 005 appointment guard ready
--
-- Nothing here takes a lock that stops a read or a write: the batches lock only their own
-- rows, CREATE INDEX CONCURRENTLY and VALIDATE CONSTRAINT take SHARE UPDATE EXCLUSIVE.
-- (Unless the role may not set session_replication_role: then each batch disables the
-- table's triggers and holds SHARE ROW EXCLUSIVE, so writers wait for one batch, and the
-- batch itself may queue behind a long writer; see vete.adopt_backfill.) They
-- may wait long for older transactions, blocking nobody, hence the long lock_timeout.
-- Killed halfway, a rerun carries on: the batches take the rows still NULL, the deployer
-- drops an index left INVALID before running this file again, one left valid is kept.

SET lock_timeout = '10min';

-- 2,000 rows a transaction, walking the primary key (each batch one index range; a writer
-- of one of its rows waits for one batch at most). Each batch is vete.adopt_backfill (adopt
-- 001): the original's triggers (handle_updated_at, validate_appointment_booking) and 004's
-- guard do not fire for it, so updated_at stays as it was and no row is checked again.
DO $$
DECLARE
    v_last uuid := '00000000-0000-0000-0000-000000000000';
    v_next uuid;
BEGIN
    LOOP
        SELECT s.id INTO v_next  -- the batch's last id (uuid has no max())
        FROM (SELECT a.id FROM public.appointments a WHERE a.id > v_last ORDER BY a.id LIMIT 2000) s
        ORDER BY s.id DESC LIMIT 1;
        EXIT WHEN NOT FOUND;
        PERFORM vete.adopt_backfill('public.appointments',
            'blocked_range = vete.blocked_range(start_time, end_time, buffer_minutes)',
            format('id > %L AND id <= %L AND blocked_range IS NULL', v_last, v_next));
        v_last := v_next;
        COMMIT;
    END LOOP;
END
$$;

CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_no_overlap_idx ON public.appointments USING gist (
    vete.vet_key(tenant_id, vet_id),
    vete.blocked_range(start_time, end_time, buffer_minutes)
) WHERE (vete.is_active_status(status) AND deleted_at IS NULL);
COMMENT ON INDEX public.appointments_no_overlap_idx IS
    'What trigger vete_appointments_no_overlap reads: a vet''s active appointments by blocked range.';

CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_vet_start_idx ON public.appointments (tenant_id, vet_id, start_time)
    WHERE vete.is_active_status(status) AND deleted_at IS NULL;
COMMENT ON INDEX public.appointments_vet_start_idx IS
    'A vet''s active appointments by start: availability and overlap checks.';

ALTER TABLE public.appointments VALIDATE CONSTRAINT appointments_buffer_minutes_check;

-- As VALIDATE would for a constraint: the guard refuses new overlaps since 004, this finds
-- any the original's unlocked path wrote between adopt's check and 004. Adopt run again
-- reports (or with --resolve, resolves) them and comes back here.
DO $$
DECLARE
    v_id uuid;
BEGIN
    -- One sort and a sweep per vet, as adopt's own check (sql/adopt_overlaps.sql): an
    -- appointment that starts before the latest blocked end of those before it overlaps.
    SELECT s.id INTO v_id
    FROM (
        SELECT a.id, a.start_time < max(upper(vete.blocked_range(a.start_time, a.end_time, a.buffer_minutes)))
                   OVER (PARTITION BY a.tenant_id, a.vet_id ORDER BY a.start_time, a.id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS overlaps
        FROM public.appointments a
        WHERE vete.is_active_status(a.status) AND a.deleted_at IS NULL AND a.vet_id IS NOT NULL
    ) s
    WHERE s.overlaps
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'appointment % overlaps another active appointment of its vet', v_id
            USING ERRCODE = 'exclusion_violation',
                  HINT = 'run vete db adopt again: it reports the pair, or cancels the later with --resolve';
    END IF;
END
$$;

DO $$ BEGIN RAISE NOTICE 'vete-adopt 005 appointment guard ready'; END $$;
