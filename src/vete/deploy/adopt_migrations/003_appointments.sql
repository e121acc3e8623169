-- vete-adopt 003: appointments gain vete's key, buffer and blocked range, and the database
-- starts refusing overlapping active appointments of one vet (the exclusion constraint).
-- vete:expect-notice vete-adopt 003 appointments adopted
--
-- Overlaps left by the original's race must be resolved before this runs (vete db adopt
-- finds them first and stops, or resolves them with --resolve). Existing appointments get
-- buffer_minutes 0: the original never enforced a buffer, so none is invented afterwards.

ALTER TABLE public.appointments ADD CONSTRAINT appointments_tenant_id_id_key UNIQUE (tenant_id, id);
COMMENT ON CONSTRAINT appointments_tenant_id_id_key ON public.appointments IS
    'vete''s key (tenant_id, id) beside the original primary key: target of vete''s foreign keys.';
ALTER TABLE public.appointments
    ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240);
COMMENT ON COLUMN public.appointments.buffer_minutes IS
    'Minutes the vet stays blocked after end_time (the service''s buffer when booked; 0 for appointments older than vete).';

-- adopt:include 003

ALTER TABLE public.appointments ADD COLUMN blocked_range tstzrange
    GENERATED ALWAYS AS (vete.blocked_range(start_time, end_time, buffer_minutes)) STORED;
COMMENT ON COLUMN public.appointments.blocked_range IS
    '[start_time, end_time + buffer): what no other active appointment of the vet may overlap.';
ALTER TABLE public.appointments ADD CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
    vete.vet_key(tenant_id, vet_id) WITH &&,
    blocked_range WITH &&
) WHERE (vete.is_active_status(status) AND deleted_at IS NULL);
COMMENT ON CONSTRAINT appointments_no_overlap ON public.appointments IS
    'The database refuses two active appointments of one vet whose blocked ranges overlap.';
CREATE INDEX appointments_vet_start_idx ON public.appointments (tenant_id, vet_id, start_time)
    WHERE vete.is_active_status(status) AND deleted_at IS NULL;
COMMENT ON INDEX public.appointments_vet_start_idx IS
    'A vet''s active appointments by start: availability and overlap checks.';

DO $$ BEGIN RAISE NOTICE 'vete-adopt 003 appointments adopted'; END $$;
