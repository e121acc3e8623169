-- vete's verify scripts of 004-008 (009's checks vete's own tenant keys, which the adopted
-- tables deliberately do not have: their original primary keys stay).
-- adopt:include 004
-- adopt:include 005
-- adopt:include 006
-- adopt:include 007
-- adopt:include 008
-- adopt's own: the no-overlap trigger (adopt 004) takes the very lock vete.lock_vet takes.
DO $$
DECLARE
    v_key bigint := vete.vet_lock_key('vete-verify-adopt', '00000000-0000-4000-8000-0000000000a4');
BEGIN
    PERFORM vete.lock_vet('vete-verify-adopt', '00000000-0000-4000-8000-0000000000a4');
    IF NOT EXISTS (
        SELECT 1 FROM pg_locks l
        WHERE l.pid = pg_backend_pid() AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
          AND l.classid = ((v_key >> 32) & 4294967295)::oid AND l.objid = (v_key & 4294967295)::oid
    ) THEN
        RAISE EXCEPTION 'verify adopt 006: vete.vet_lock_key does not name the lock vete.lock_vet takes';
    END IF;
END
$$;
