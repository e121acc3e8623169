-- 005: book_appointment_atomic — the original's named arguments and JSON keys, plus an
-- optional idempotency key.
-- vete:expect-notice vete 005 book_appointment_atomic ready
-- vete:valid-checksum 4ce5069f86090f70bc217085029f12996ebe6196ef8e08880b85d77bbef58a7e
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- On a database that has the original's 9-argument function, that signature is dropped in
-- this same transaction: two overloads sharing argument names make every named call fail
-- as ambiguous.

DROP FUNCTION IF EXISTS public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid);

DO $$ BEGIN RAISE NOTICE 'vete 005 book_appointment_atomic ready'; END $$;
