-- 002: each vet's weekly working hours, breaks and time off.
-- vete:expect-notice vete 002 vet schedules ready
-- vete:valid-checksum 3af9a80017886cc686aa7ba3ed207876b6ca61a7fe2127ac2b8422b02690220b
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Shifts and breaks (one table, by kind) are wall-clock times in the clinic's time zone (tenants.timezone),
-- by ISO weekday (1 = Monday). Time off is absolute (timestamptz ranges). Shifts do not
-- cross midnight; a shift may end at 24:00.

CREATE TABLE public.vet_working_hours (
    tenant_id text NOT NULL,
    vet_id uuid NOT NULL,
    weekday int NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    kind text NOT NULL DEFAULT 'work' CHECK (kind IN ('work', 'break')),
    starts_at time NOT NULL,
    ends_at time NOT NULL,
    label text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, vet_id, weekday, kind, starts_at),
    FOREIGN KEY (tenant_id, vet_id) REFERENCES public.profiles (tenant_id, id),
    CHECK (ends_at > starts_at)
);
COMMENT ON TABLE public.vet_working_hours IS
    'A vet''s weekly shifts (kind work) and breaks such as lunch (kind break): wall-clock times in the clinic''s time zone, ISO weekday (1 = Monday).';

CREATE TABLE public.vet_time_off (
    tenant_id text NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    vet_id uuid NOT NULL,
    period tstzrange NOT NULL CHECK (NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)),
    reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, vet_id) REFERENCES public.profiles (tenant_id, id)
);
CREATE INDEX vet_time_off_vet_idx ON public.vet_time_off USING gist (period) INCLUDE (tenant_id, vet_id);
CREATE INDEX vet_time_off_vet_btree_idx ON public.vet_time_off (tenant_id, vet_id);
COMMENT ON TABLE public.vet_time_off IS 'Absences (holidays, training): absolute time ranges a vet cannot be booked.';
COMMENT ON INDEX public.vet_time_off_vet_idx IS 'Finds absences overlapping a range.';
COMMENT ON INDEX public.vet_time_off_vet_btree_idx IS 'Finds one vet''s absences.';

ALTER TABLE public.vet_working_hours ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.vet_time_off ENABLE ROW LEVEL SECURITY;

GRANT SELECT ON public.vet_working_hours TO anon, authenticated;
GRANT SELECT ON public.vet_time_off TO authenticated;
GRANT ALL ON public.vet_working_hours, public.vet_time_off TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 002 vet schedules ready'; END $$;
