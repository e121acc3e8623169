-- 016: booking hardening (issue 13): an owner's appointment lasts its service's length, no
-- start beyond the clinic's booking horizon, bounded text, idempotency keys per caller.
-- vete:expect-notice vete 016 booking hardening ready
-- vete:valid-checksum 286919cceca02ad920369c239ec7f4e6967327a5405192489c8f3db4f1462906
-- vete:valid-checksum b27b6698af1acd6123e7fa5749ce558def635a3c4f4eeaff1f3c2ec72642cab6
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Each booking function keeps its name, its named arguments and its JSON keys (the
-- original's contract); the new refusals are new success:false codes:
--   DURATION_NOT_ALLOWED  an owner named a duration other than the service's (staff and the
--                         platform may choose 5..720 minutes, else INVALID_DURATION);
--   START_TOO_FAR_AHEAD   the start is after now + the clinic's horizon
--                         (tenants.settings.booking_horizon_days, 1..3650, default 730);
--                         get_available_slots offers nothing beyond it either;
--   TEXT_TOO_LONG         notes or a reason longer than 2000 characters.
--
-- Locks, for a deploy on tables with data. The statements that only scan or change rows
-- come first; each ALTER TABLE takes ACCESS EXCLUSIVE on its table until COMMIT, so they
-- come last, after the function definitions:
--   * appointments: over-long text is trimmed by an UPDATE (row locks on the few rows it
--     changes; reads and bookings go on); the CHECKs are added NOT VALID, which is a catalog
--     change (no scan) held for the rest of this transaction (milliseconds). VALIDATE
--     CONSTRAINT is not run here: inside this transaction it would scan the whole table
--     under that ACCESS EXCLUSIVE lock (squawk's constraint-missing-not-valid). The rows are
--     already within bounds after the trim; docs/booking.md says how to VALIDATE online.
--   * booking_requests: read and written only by idempotent bookings, which wait from the
--     ADD COLUMN to COMMIT. The column comes with a constant default (a catalog entry, no
--     row is rewritten); the new unique index is built before the old primary key is
--     dropped, and then becomes the primary key (USING INDEX: no second build). A plain
--     CREATE UNIQUE INDEX, because CONCURRENTLY cannot run in the transaction that also
--     swaps the functions, and a half-deployed state would break idempotent bookings.
--     Measured with 1,000,000 rows in booking_requests (and as many appointments, on a
--     shared machine at load average 6): the whole migration took 5.4 s on PostgreSQL 18
--     and 7.5 s on 15, the trim's scan of appointments (no lock) included, so idempotent
--     bookings wait a few seconds at most. Every other read and write goes on meanwhile.

-- Over-long text already stored (only possible by RPC around vete's API, or in an adopted
-- database): trimmed to the bound, so every row can still be updated (cancelled, confirmed)
-- once the CHECK below holds for new row versions. The count is reported as a NOTICE.
DO $$
DECLARE
    v_trimmed bigint;
BEGIN
    UPDATE public.appointments a
    SET notes = left(a.notes, 2000), reason = left(a.reason, 2000),
        cancellation_reason = left(a.cancellation_reason, 2000)
    WHERE char_length(a.notes) > 2000 OR char_length(a.reason) > 2000
       OR char_length(a.cancellation_reason) > 2000;
    GET DIAGNOSTICS v_trimmed = ROW_COUNT;
    RAISE NOTICE 'vete 016: % appointment(s) had text over 2000 characters, trimmed', v_trimmed;
END
$$;

-- Idempotency keys per caller, as checkout's are per customer (013's store_orders): the key
-- becomes (clinic, caller, key). caller_id is the signed-in user, or the nil uuid for the
-- platform (service_role). Rows recorded before this migration get 'ffff…' ("recorded
-- before callers were kept") through a constant default, which PostgreSQL stores once in
-- the catalog instead of rewriting every row: nothing is rewritten under the lock. Their
-- replays still work: book_appointment_atomic looks such a key up by its request hash,
-- which covers the caller (see the function above).
ALTER TABLE public.booking_requests
    ADD COLUMN caller_id uuid NOT NULL DEFAULT 'ffffffff-ffff-ffff-ffff-ffffffffffff';
-- Every writer names the caller from now on: no default to fall back on silently (old rows
-- keep the value above).
ALTER TABLE public.booking_requests ALTER COLUMN caller_id DROP DEFAULT;
CREATE UNIQUE INDEX booking_requests_caller_key ON public.booking_requests (tenant_id, caller_id, idempotency_key);
ALTER TABLE public.booking_requests
    DROP CONSTRAINT booking_requests_pkey,
    ADD CONSTRAINT booking_requests_pkey PRIMARY KEY USING INDEX booking_requests_caller_key;
COMMENT ON COLUMN public.booking_requests.caller_id IS
    'Whose key this is: the signed-in user (auth.uid()), the nil uuid for the platform (service_role), ffffffff-… for keys recorded before migration 016.';
COMMENT ON TABLE public.booking_requests IS
    'Successful bookings by (clinic, caller, idempotency key): a caller''s retried request gets the first response back.';

-- Bounded text in the table too (new rows and every update from now on; see the header
-- for why VALIDATE is left out of this transaction). History rows are never updated
-- (append-only), so the events' CHECK guards every row written from now on.
ALTER TABLE public.appointments ADD CONSTRAINT appointments_text_bounded CHECK (
    char_length(reason) <= 2000 AND char_length(notes) <= 2000
    AND char_length(cancellation_reason) <= 2000
) NOT VALID;
COMMENT ON CONSTRAINT appointments_text_bounded ON public.appointments IS
    'reason, notes and cancellation_reason are at most 2000 characters (as the booking functions and the API refuse).';
ALTER TABLE public.appointment_events ADD CONSTRAINT appointment_events_reason_bounded CHECK (
    char_length(reason) <= 2000
) NOT VALID;
COMMENT ON CONSTRAINT appointment_events_reason_bounded ON public.appointment_events IS
    'An event''s reason is at most 2000 characters.';

DO $$ BEGIN RAISE NOTICE 'vete 016 booking hardening ready'; END $$;
