-- 003: appointments (the original's columns and statuses), their append-only event log,
-- and the idempotency record of booking requests.
-- vete:expect-notice vete 003 appointments ready
-- vete:valid-checksum cb9bce31077d600a5ebe9a4451e7fb2ed4f343624b37cf9bb2a632d688d5d84a
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- No two active appointments of one vet overlap, buffer included: the database refuses
-- it with an exclusion constraint built from core PostgreSQL only (no btree_gist). The
-- vet key (tenant and vet folded into one text) becomes a one-point text range, so
-- "same vet" is range overlap (&&), which core GiST supports for every range type.

CREATE TYPE vete.key_range AS RANGE (subtype = text, collation = "C");
COMMENT ON TYPE vete.key_range IS
    'A range of text keys; a one-point range turns key equality into && for core GiST.';

CREATE FUNCTION vete.vet_key(p_tenant_id text, p_vet_id uuid) RETURNS vete.key_range
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        -- A tenant slug cannot contain '/', so tenant || '/' || vet is one-to-one.
        -- No SET clause, so the planner inlines it into the constraint's index expression
        -- (a SET clause costs a configuration save and restore on every row written);
        -- every name in it is schema-qualified, so the caller's search_path cannot change
        -- what it computes.
        SELECT vete.key_range(
            p_tenant_id OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) p_vet_id::pg_catalog.text,
            p_tenant_id OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) p_vet_id::pg_catalog.text, '[]')
    $$;
COMMENT ON FUNCTION vete.vet_key(text, uuid) IS
    'One-point key range of (clinic, vet): two appointments share a vet exactly when their keys overlap.';

CREATE FUNCTION vete.blocked_range(p_start timestamptz, p_end timestamptz, p_buffer_minutes int)
    RETURNS tstzrange
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog
    AS $$
        -- timestamptz + interval is only STABLE because of day and month units; a
        -- whole number of minutes does not depend on the time zone, so this is immutable.
        -- greatest(): a backwards row must reach the table's CHECK (a clear refusal), not
        -- fail here with a range error.
        SELECT tstzrange(p_start, greatest(p_start, p_end + make_interval(mins => p_buffer_minutes)), '[)')
    $$;
COMMENT ON FUNCTION vete.blocked_range(timestamptz, timestamptz, int) IS
    'The time an appointment keeps its vet busy: [start, end + buffer).';

CREATE FUNCTION vete.is_active_status(p_status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
        -- Inlinable (no SET clause; the operator is schema-qualified), like vete.vet_key.
        SELECT p_status OPERATOR(pg_catalog.<>) ALL (ARRAY['cancelled', 'no_show']::pg_catalog.text[])
    $$;
COMMENT ON FUNCTION vete.is_active_status(text) IS
    'True for statuses that hold the vet''s time (everything but cancelled and no_show).';

CREATE TABLE public.appointments (
    tenant_id text NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    pet_id uuid NOT NULL,
    service_id uuid NOT NULL,
    vet_id uuid NOT NULL,
    start_time timestamptz NOT NULL,
    end_time timestamptz NOT NULL,
    duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 1 AND 720),
    buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN (
        'scheduled', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show'
    )),
    reason text,
    notes text,
    created_by uuid,
    confirmed_at timestamptz,
    checked_in_at timestamptz,
    started_at timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    cancelled_by uuid,
    cancellation_reason text,
    deleted_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    blocked_range tstzrange GENERATED ALWAYS AS (
        vete.blocked_range(start_time, end_time, buffer_minutes)
    ) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, pet_id) REFERENCES public.pets (tenant_id, id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES public.services (tenant_id, id),
    FOREIGN KEY (tenant_id, vet_id) REFERENCES public.profiles (tenant_id, id),
    CONSTRAINT appointments_end_after_start CHECK (end_time > start_time),
    CONSTRAINT appointments_duration_matches CHECK (
        duration_minutes * 60 = extract(epoch FROM end_time - start_time)
    ),
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (
        vete.vet_key(tenant_id, vet_id) WITH &&,
        blocked_range WITH &&
    ) WHERE (vete.is_active_status(status) AND deleted_at IS NULL)
);
CREATE INDEX appointments_vet_start_idx ON public.appointments (tenant_id, vet_id, start_time)
    WHERE vete.is_active_status(status) AND deleted_at IS NULL;
CREATE INDEX appointments_pet_idx ON public.appointments (tenant_id, pet_id);
CREATE INDEX appointments_id_idx ON public.appointments (id);
COMMENT ON TABLE public.appointments IS
    'Appointments, with the original platform''s columns and statuses; writes go through the booking functions.';
COMMENT ON COLUMN public.appointments.buffer_minutes IS
    'Minutes the vet stays blocked after end_time (the service''s buffer when booked).';
COMMENT ON COLUMN public.appointments.blocked_range IS '[start_time, end_time + buffer): what no other active appointment of the vet may overlap.';
COMMENT ON CONSTRAINT appointments_no_overlap ON public.appointments IS
    'The database refuses two active appointments of one vet whose blocked ranges overlap.';
COMMENT ON INDEX public.appointments_vet_start_idx IS 'A vet''s active appointments by start: availability and overlap checks.';
COMMENT ON INDEX public.appointments_pet_idx IS 'A pet''s appointments (owner views, row-level security).';
COMMENT ON INDEX public.appointments_id_idx IS 'Lookup by id alone, as the original''s reschedule arguments require.';

CREATE TABLE public.appointment_events (
    tenant_id text NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    appointment_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('booked', 'rescheduled', 'status_changed')),
    actor_id uuid,
    actor_role text NOT NULL,
    from_status text,
    to_status text,
    old_start_time timestamptz,
    old_end_time timestamptz,
    new_start_time timestamptz,
    new_end_time timestamptz,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, appointment_id) REFERENCES public.appointments (tenant_id, id)
);
CREATE INDEX appointment_events_appointment_idx ON public.appointment_events (tenant_id, appointment_id, id);
COMMENT ON TABLE public.appointment_events IS
    'Append-only history of each appointment: who changed what, when, and from which times.';
COMMENT ON INDEX public.appointment_events_appointment_idx IS 'One appointment''s history in order.';

CREATE TABLE public.booking_requests (
    tenant_id text NOT NULL,
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    appointment_id uuid NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, appointment_id) REFERENCES public.appointments (tenant_id, id)
);
COMMENT ON TABLE public.booking_requests IS
    'Successful bookings by idempotency key: a retried request gets the first response back.';

ALTER TABLE public.appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.appointment_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.booking_requests ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON public.appointments, public.appointment_events TO authenticated;
GRANT ALL ON public.appointments, public.appointment_events, public.booking_requests TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 003 appointments ready'; END $$;
