-- 006: reschedule_appointment_atomic — the original's named arguments and JSON keys.
-- vete:expect-notice vete 006 reschedule_appointment_atomic ready
-- vete:valid-checksum 21c69606e9b8c787ca0fa0f1f1c2254809a189497eaf47e028b774c6b33d36d3
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- The appointment moves in place (same id) under its vet's lock; the new range is checked
-- excluding itself; the old times go to appointment_events. p_user_id and p_is_staff are
-- claims to check against the session, never grants.

DO $$ BEGIN RAISE NOTICE 'vete 006 reschedule_appointment_atomic ready'; END $$;
