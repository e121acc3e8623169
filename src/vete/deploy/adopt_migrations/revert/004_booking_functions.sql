-- Revert vete-adopt 004: vete's booking functions go (vete's own revert scripts, newest
-- first); the deployer then restores the original's definitions it recorded.
DROP TRIGGER appointments_lock_vet ON public.appointments;
DROP FUNCTION vete.lock_vet_for_direct_write();
DROP FUNCTION vete.vet_lock_key(text, uuid);
-- adopt:include 009
-- adopt:include 008
-- adopt:include 007
-- adopt:include 006
-- adopt:include 005
-- adopt:include 004
