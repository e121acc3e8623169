-- Verify 016: the idempotency key is (clinic, caller, key). (The booking checks of 016
-- are definitions/booking/verify/book_appointment_atomic.sql.)
SELECT 1 / (array_agg(a.attname::text ORDER BY k.ord) = ARRAY['tenant_id', 'caller_id', 'idempotency_key'])::int
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
WHERE c.conrelid = 'public.booking_requests'::regclass AND c.contype = 'p';
