-- vete-adopt 004: appointments gain vete's key, buffer and blocked range, and the database
-- starts refusing overlapping active appointments of one vet.
-- vete:expect-notice vete-adopt 004 appointments adopted
--
-- Every statement here changes the catalog only: this transaction holds ACCESS EXCLUSIVE on
-- appointments for milliseconds, not for a scan or a rewrite of 2,000,000 rows (issue 17
-- measured 91.9 s for the one-transaction version; docs/adopt.md, "At size").
--  * the key: the unique index 003 built concurrently becomes the constraint;
--  * buffer_minutes: a constant default needs no rewrite; its CHECK is added NOT VALID and
--    validated in 005 (a scan that blocks no one);
--  * blocked_range: a plain column, not vete's STORED generated one (adding that rewrites
--    the table under ACCESS EXCLUSIVE: 24.7 s at 2,000,000 rows). A trigger keeps it equal to
--    vete.blocked_range(start_time, end_time, buffer_minutes) on every write; 005 fills the
--    existing rows in batches;
--  * no overlap: vete's exclusion constraint cannot be added without building its GiST index
--    under ACCESS EXCLUSIVE, and PostgreSQL cannot attach one to an index built
--    concurrently. The same trigger enforces it instead: it takes the vet's lock (the one
--    vete's booking functions take) and refuses, with the constraint's SQLSTATE 23P01 and
--    name, an active appointment that overlaps another of the vet. 005 builds the GiST index
--    the check reads, concurrently, and then checks that no overlap slipped in meanwhile.
--
-- Overlaps left by the original's race must be resolved before this runs (vete db adopt
-- finds them first and stops, or resolves them with --resolve). Existing appointments get
-- buffer_minutes 0: the original never enforced a buffer, so none is invented afterwards.

ALTER TABLE public.appointments
    ADD CONSTRAINT appointments_tenant_id_id_key UNIQUE USING INDEX appointments_tenant_id_id_key;
COMMENT ON CONSTRAINT appointments_tenant_id_id_key ON public.appointments IS
    'vete''s key (tenant_id, id) beside the original primary key: target of vete''s foreign keys.';
ALTER TABLE public.appointments ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0;
ALTER TABLE public.appointments ADD CONSTRAINT appointments_buffer_minutes_check
    CHECK (buffer_minutes BETWEEN 0 AND 240) NOT VALID;
COMMENT ON COLUMN public.appointments.buffer_minutes IS
    'Minutes the vet stays blocked after end_time (the service''s buffer when booked; 0 for appointments older than vete).';
ALTER TABLE public.appointments ADD COLUMN blocked_range tstzrange;
COMMENT ON COLUMN public.appointments.blocked_range IS
    '[start_time, end_time + buffer): what no other active appointment of the vet may overlap (kept by trigger appointments_no_overlap).';

-- adopt:include 003

CREATE FUNCTION vete.vet_lock_key(p_tenant_id text, p_vet_id uuid) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$ SELECT hashtextextended('vete.vet/' || p_tenant_id || '/' || p_vet_id::text, 0) $$;
COMMENT ON FUNCTION vete.vet_lock_key(text, uuid) IS
    'The advisory lock key vete.lock_vet takes for one vet of one clinic (read by the no-overlap trigger).';
REVOKE EXECUTE ON FUNCTION vete.vet_lock_key(text, uuid) FROM PUBLIC;

-- SECURITY DEFINER: an owner's direct INSERT runs under the original's row-level security,
-- which shows the owner only their own appointments; the overlap check must see the vet's.
CREATE FUNCTION vete.adopted_appointment_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog
    AS $$
    DECLARE
        v_was_active boolean;
        v_key bigint;
        v_try int;
    BEGIN
        NEW.blocked_range := vete.blocked_range(NEW.start_time, NEW.end_time, NEW.buffer_minutes);
        IF NEW.vet_id IS NULL OR NOT vete.is_active_status(NEW.status) OR NEW.deleted_at IS NOT NULL THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' THEN
            v_was_active := OLD.vet_id IS NOT NULL AND vete.is_active_status(OLD.status)
                AND OLD.deleted_at IS NULL;
            -- An edit that leaves the vet's calendar as it was (notes, reminders, a
            -- confirmation) takes no lock: the row already passed this check.
            IF v_was_active AND (NEW.tenant_id, NEW.vet_id, NEW.start_time, NEW.end_time, NEW.buffer_minutes)
                    IS NOT DISTINCT FROM (OLD.tenant_id, OLD.vet_id, OLD.start_time, OLD.end_time, OLD.buffer_minutes) THEN
                RETURN NEW;
            END IF;
        END IF;
        -- Under REPEATABLE READ the check below would read the snapshot of the transaction's
        -- start and miss a booking committed since (READ COMMITTED reads after the lock,
        -- SERIALIZABLE detects the conflict itself). Such a write is refused as the
        -- exclusion constraint refuses an overlap, so vete's functions called at that level
        -- answer SLOT_UNAVAILABLE rather than a raw error; a caller that needs the slot
        -- booked writes at READ COMMITTED.
        IF current_setting('transaction_isolation') = 'repeatable read' THEN
            RAISE EXCEPTION 'conflicting key value violates exclusion constraint "appointments_no_overlap"'
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'appointments_no_overlap',
                      SCHEMA = 'public', TABLE = 'appointments',
                      DETAIL = 'under REPEATABLE READ the calendar of a vet cannot be checked past the transaction''s snapshot',
                      HINT = 'write active appointments at READ COMMITTED or SERIALIZABLE (docs/adopt.md)';
        END IF;
        -- The key of vete.lock_vet (vete 004, applied in adopt 006; adopt 006's verify checks
        -- they agree): every writer of one vet's calendar, vete's functions and direct writes alike, holds this lock. vete's
        -- functions take it before any row lock; a direct UPDATE comes here already holding
        -- its row's, so it never waits in the lock's queue (a reschedule holding the lock
        -- and waiting for that row would deadlock with it): it tries again every 10 ms
        -- and, after 2 s, gives up with a serialization failure, which the caller retries.
        v_key := vete.vet_lock_key(NEW.tenant_id, NEW.vet_id);
        FOR v_try IN 1..200 LOOP
            EXIT WHEN pg_try_advisory_xact_lock(v_key);
            IF v_try = 200 THEN
                RAISE EXCEPTION 'vet % of % is busy with another booking: try again', NEW.vet_id, NEW.tenant_id
                    USING ERRCODE = 'serialization_failure';
            END IF;
            PERFORM pg_sleep(0.01);
        END LOOP;
        IF EXISTS (
            SELECT 1 FROM public.appointments a
            WHERE vete.vet_key(a.tenant_id, a.vet_id) && vete.vet_key(NEW.tenant_id, NEW.vet_id)
              AND vete.blocked_range(a.start_time, a.end_time, a.buffer_minutes) && NEW.blocked_range
              AND vete.is_active_status(a.status) AND a.deleted_at IS NULL
              AND a.tenant_id = NEW.tenant_id AND a.vet_id = NEW.vet_id
              AND a.start_time < upper(NEW.blocked_range)
              AND a.id <> NEW.id
        ) THEN
            RAISE EXCEPTION 'conflicting key value violates exclusion constraint "appointments_no_overlap"'
                USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'appointments_no_overlap',
                      SCHEMA = 'public', TABLE = 'appointments',
                      DETAIL = format('vet %s of %s is already booked within %s', NEW.vet_id,
                                      NEW.tenant_id, NEW.blocked_range);
        END IF;
        RETURN NEW;
    END
    $$;
COMMENT ON FUNCTION vete.adopted_appointment_guard() IS
    'On an adopted database: keeps blocked_range and refuses overlapping active appointments of one vet (the exclusion constraint of vete''s own schema).';
REVOKE EXECUTE ON FUNCTION vete.adopted_appointment_guard() FROM PUBLIC;
-- "vete_" sorts after the original's BEFORE triggers (handle_updated_at,
-- validate_appointment_booking): this one sees the row as they leave it.
CREATE TRIGGER vete_appointments_no_overlap
    BEFORE INSERT OR UPDATE ON public.appointments
    FOR EACH ROW EXECUTE FUNCTION vete.adopted_appointment_guard();
COMMENT ON TRIGGER vete_appointments_no_overlap ON public.appointments IS
    'No two active appointments of one vet overlap, buffer included; blocked_range kept current.';

DO $$ BEGIN RAISE NOTICE 'vete-adopt 004 appointments adopted'; END $$;
