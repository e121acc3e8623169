-- Revert vete-adopt 005: the indexes it built go (blocked_range values go with 004's column).
DROP INDEX public.appointments_vet_start_idx;
DROP INDEX public.appointments_no_overlap_idx;
