-- 007: the appointment status lifecycle — one transition table, one function that enforces
-- it (set_appointment_status), and cancel_appointment on top of it.
-- vete:expect-notice vete 007 appointment lifecycle ready
-- vete:valid-checksum a2468c518f9a34d3f446b366e7155dae591d5dd234638597a91fe5faef2dc498
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
--   scheduled → confirmed → checked_in → in_progress → completed
--   scheduled | confirmed | checked_in → cancelled;  scheduled | confirmed → no_show
-- cancelled, no_show and completed are final, so nothing ever re-activates a freed slot.

CREATE TABLE vete.appointment_status_transitions (
    from_status text NOT NULL,
    to_status text NOT NULL,
    allowed_to text NOT NULL CHECK (allowed_to IN ('staff', 'owner_or_staff')),
    stamp_column text CHECK (stamp_column IN ('confirmed_at', 'checked_in_at', 'started_at', 'completed_at', 'cancelled_at')),
    PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE vete.appointment_status_transitions IS
    'Every allowed status change, who may make it, and which timestamp column it stamps.';
INSERT INTO vete.appointment_status_transitions (from_status, to_status, allowed_to, stamp_column) VALUES
    ('scheduled',   'confirmed',   'staff',          'confirmed_at'),
    ('scheduled',   'checked_in',  'staff',          'checked_in_at'),
    ('confirmed',   'checked_in',  'staff',          'checked_in_at'),
    ('checked_in',  'in_progress', 'staff',          'started_at'),
    ('in_progress', 'completed',   'staff',          'completed_at'),
    ('scheduled',   'cancelled',   'owner_or_staff', 'cancelled_at'),
    ('confirmed',   'cancelled',   'owner_or_staff', 'cancelled_at'),
    ('checked_in',  'cancelled',   'staff',          'cancelled_at'),
    ('scheduled',   'no_show',     'staff',          NULL),
    ('confirmed',   'no_show',     'staff',          NULL);
GRANT SELECT ON vete.appointment_status_transitions TO anon, authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 007 appointment lifecycle ready'; END $$;
