-- 008: get_available_slots — free slots of a clinic's local date for one service.
-- vete:expect-notice vete 008 get_available_slots ready
-- vete:valid-checksum a6a58422d9ec605d09e35427948311561ea2f4dda220776c4215194d536fb0ff
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Candidates step through each shift from its start (tenants.settings.slot_minutes, default
-- 15) in absolute time, so a shift keeps its wall-clock hours on the days clocks change: no
-- phantom hour in the spring gap, and the repeated autumn hour is offered twice (two real
-- hours). A candidate is offered when the same rules booking applies hold: inside a shift
-- and the service's window, clear of breaks and time off, its blocked range [start, end +
-- buffer) clear of every active appointment, and in the future.

DO $$ BEGIN RAISE NOTICE 'vete 008 get_available_slots ready'; END $$;
