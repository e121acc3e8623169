-- Revert 016: the CHECKs and the per-caller key go. The booking functions and their helpers
-- live in definitions/ and are left as they are (a definition file is their one current
-- source, docs/deploy.md "Definitions").
-- Going back to one key per clinic: where two callers of a clinic used the same key since
-- 016, only the oldest record is kept (the others lose their replay, not their appointment).
ALTER TABLE public.appointment_events DROP CONSTRAINT appointment_events_reason_bounded;
ALTER TABLE public.appointments DROP CONSTRAINT appointments_text_bounded;

DELETE FROM public.booking_requests r
WHERE EXISTS (
    SELECT 1 FROM public.booking_requests o
    WHERE o.tenant_id = r.tenant_id AND o.idempotency_key = r.idempotency_key
      AND (o.created_at, o.caller_id) < (r.created_at, r.caller_id)
);
CREATE UNIQUE INDEX booking_requests_clinic_key ON public.booking_requests (tenant_id, idempotency_key);
ALTER TABLE public.booking_requests
    DROP CONSTRAINT booking_requests_pkey,
    ADD CONSTRAINT booking_requests_pkey PRIMARY KEY USING INDEX booking_requests_clinic_key;
ALTER TABLE public.booking_requests DROP COLUMN caller_id;
COMMENT ON TABLE public.booking_requests IS
    'Successful bookings by idempotency key: a retried request gets the first response back.';
