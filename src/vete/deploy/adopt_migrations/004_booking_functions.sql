-- vete-adopt 004: vete's booking rules and functions (its 004-009) replace the original's.
-- vete:expect-notice vete-adopt 004 booking functions adopted
--
-- Every overload of book_appointment_atomic and reschedule_appointment_atomic goes first,
-- in this same transaction: an older overload next to vete's makes every named call
-- ambiguous. The deployer records each dropped definition, so `vete db revert --set
-- vete-adopt` puts the original's back exactly.
DO $$
DECLARE
    v_fn regprocedure;
BEGIN
    FOR v_fn IN
        SELECT p.oid::regprocedure FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proname IN ('book_appointment_atomic', 'reschedule_appointment_atomic')
    LOOP
        EXECUTE format('DROP FUNCTION %s', v_fn);
    END LOOP;
END
$$;

-- adopt:include 004
-- adopt:include 005
-- adopt:include 006
-- adopt:include 007
-- adopt:include 008
-- adopt:include 009

-- The original's other write paths take the same vet lock as vete's functions. Owners
-- INSERT appointments directly (its policy "Owners create appointments") and staff UPDATE
-- them; without the lock such a write and a booking of vete check at once, each misses the
-- other, and the exclusion constraint's two index entries wait for each other (a deadlock),
-- or vete's INSERT meets the original trigger's 23P01 unannounced. Under the lock the
-- original's own trigger (validate_appointment_booking, which fires after this one: names
-- sort) checks what every earlier writer committed, and refuses cleanly with 23P01.
--
-- An UPDATE has locked its row before any trigger runs, while vete's functions take the
-- vet lock first and the row second; so an UPDATE never waits for the vet lock blindly:
-- when the lock's holder waits (directly or through others) for this transaction, the
-- UPDATE gives way at once with 40001 (retry), and vete's function goes on.
CREATE FUNCTION vete.lock_vet_for_direct_write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
    DECLARE
        -- the key vete.lock_vet takes (verify 004 checks that they agree)
        v_key bigint;
    BEGIN
        IF NEW.vet_id IS NULL THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM vete.lock_vet(NEW.tenant_id, NEW.vet_id);
            RETURN NEW;
        END IF;
        IF NEW.vet_id IS NOT DISTINCT FROM OLD.vet_id AND NEW.tenant_id = OLD.tenant_id
           AND NEW.start_time = OLD.start_time AND NEW.end_time = OLD.end_time
           AND NEW.buffer_minutes = OLD.buffer_minutes AND NEW.status = OLD.status
           AND NEW.deleted_at IS NOT DISTINCT FROM OLD.deleted_at THEN
            RETURN NEW;  -- nothing the no-overlap rule reads changed
        END IF;
        v_key := vete.vet_lock_key(NEW.tenant_id, NEW.vet_id);
        LOOP
            IF pg_try_advisory_xact_lock(v_key) THEN
                RETURN NEW;
            END IF;
            IF EXISTS (
                WITH RECURSIVE waits_for (pid) AS (
                    SELECT l.pid FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
                      AND l.classid = ((v_key >> 32) & 4294967295)::oid
                      AND l.objid = (v_key & 4294967295)::oid
                    UNION
                    SELECT unnest(pg_blocking_pids(w.pid)) FROM waits_for w
                )
                SELECT 1 FROM waits_for WHERE pid = pg_backend_pid()
            ) THEN
                RAISE EXCEPTION 'the calendar of vet % is being changed by a transaction that waits for this one: retry',
                    NEW.vet_id USING ERRCODE = '40001';
            END IF;
            PERFORM pg_sleep(0.002);
        END LOOP;
    END
    $$;
COMMENT ON FUNCTION vete.lock_vet_for_direct_write() IS
    'vete db adopt: a direct INSERT or UPDATE of an appointment takes the vet lock vete''s functions take.';
REVOKE EXECUTE ON FUNCTION vete.lock_vet_for_direct_write() FROM PUBLIC;

CREATE FUNCTION vete.vet_lock_key(p_tenant_id text, p_vet_id uuid) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$ SELECT hashtextextended('vete.vet/' || p_tenant_id || '/' || p_vet_id::text, 0) $$;
COMMENT ON FUNCTION vete.vet_lock_key(text, uuid) IS
    'The advisory lock key vete.lock_vet takes for one vet of one clinic.';
REVOKE EXECUTE ON FUNCTION vete.vet_lock_key(text, uuid) FROM PUBLIC;

CREATE TRIGGER appointments_lock_vet
    BEFORE INSERT OR UPDATE ON public.appointments
    FOR EACH ROW EXECUTE FUNCTION vete.lock_vet_for_direct_write();
COMMENT ON TRIGGER appointments_lock_vet ON public.appointments IS
    'Direct writes of an appointment serialize per vet with vete''s functions (vete db adopt).';

DO $$ BEGIN RAISE NOTICE 'vete-adopt 004 booking functions adopted'; END $$;
