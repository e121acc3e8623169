-- vete-adopt 006: vete's booking rules and functions (its 004-009) replace the original's.
-- vete:expect-notice vete-adopt 006 booking functions adopted
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

DO $$ BEGIN RAISE NOTICE 'vete-adopt 006 booking functions adopted'; END $$;
