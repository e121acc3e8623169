-- 004: the rules booking and availability share: the clock, the per-vet lock, and a
-- vet's day in the clinic's time zone (shifts, breaks, time off, the service's window).
-- vete:expect-notice vete 004 booking rules ready
-- vete:valid-checksum c614941bd36978f4077cb78cbe42859b9a5eb19caae85d1bfd78339b0b0df875
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Booking checks a requested range against these multiranges and availability filters
-- its candidate slots through the same functions, so the two cannot disagree.

DO $$ BEGIN RAISE NOTICE 'vete 004 booking rules ready'; END $$;
