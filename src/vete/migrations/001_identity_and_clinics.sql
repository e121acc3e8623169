-- 001: identity (Supabase-compatible roles and auth.uid()) and the clinic core tables.
-- vete:expect-notice vete 001 identity and clinics ready
-- vete:valid-checksum 487e7d8dd63310369a74c66753b0c42c45697f8bcd9de4a0a2070550703fae63
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- On Supabase the roles anon/authenticated/service_role and auth.uid() already exist
-- and are left alone; on plain PostgreSQL they are created here, with auth.uid() reading
-- request.jwt.claims the way PostgREST sets it.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;
END
$$;

-- The roles PostgREST switches to must be reachable from the login role that runs vete.
DO $$
BEGIN
    EXECUTE format('GRANT anon, authenticated, service_role TO %I', current_user);
END
$$;

CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

DO $$
BEGIN
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
            LANGUAGE sql STABLE
            AS $f$
                SELECT nullif(
                    coalesce(
                        nullif(current_setting('request.jwt.claim.sub', true), ''),
                        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
                    ),
                    ''
                )::uuid
            $f$;
        COMMENT ON FUNCTION auth.uid() IS
            'The caller''s user id: the JWT sub claim, as PostgREST sets request.jwt.claims.';
    END IF;
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb
            LANGUAGE sql STABLE
            AS $f$
                SELECT coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
            $f$;
        COMMENT ON FUNCTION auth.jwt() IS 'The caller''s JWT claims as PostgREST sets them.';
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS vete;
COMMENT ON SCHEMA vete IS 'vete internals: identity helpers and the deployer''s history.';
GRANT USAGE ON SCHEMA vete TO anon, authenticated, service_role;

CREATE TABLE public.tenants (
    id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]*$' AND length(id) BETWEEN 2 AND 50),
    name text NOT NULL,
    timezone text NOT NULL DEFAULT 'America/Asuncion',
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.tenants IS 'Clinics. id is a slug; timezone is the IANA zone slots are computed in.';

CREATE TABLE public.profiles (
    tenant_id text NOT NULL REFERENCES public.tenants (id),
    id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'vet', 'admin')),
    full_name text NOT NULL,
    email text,
    phone text,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX profiles_id_idx ON public.profiles (id);
CREATE INDEX profiles_email_idx ON public.profiles (lower(email));
COMMENT ON TABLE public.profiles IS
    'A user''s membership of one clinic: id is the auth user id (JWT sub); one user may belong to several clinics.';

CREATE TABLE public.pets (
    tenant_id text NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    owner_id uuid NOT NULL,
    name text NOT NULL,
    species text NOT NULL DEFAULT 'dog',
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES public.profiles (tenant_id, id)
);
CREATE INDEX pets_owner_idx ON public.pets (tenant_id, owner_id);
COMMENT ON TABLE public.pets IS 'Patients, each owned by one owner profile of the same clinic.';

CREATE TABLE public.services (
    tenant_id text NOT NULL REFERENCES public.tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    category text NOT NULL DEFAULT 'consultation',
    base_price numeric(12, 2) NOT NULL DEFAULT 0 CHECK (base_price >= 0),
    duration_minutes int NOT NULL DEFAULT 30 CHECK (duration_minutes > 0 AND duration_minutes <= 720),
    buffer_minutes int NOT NULL DEFAULT 0 CHECK (buffer_minutes >= 0 AND buffer_minutes <= 240),
    available_days int[],
    available_start_time time,
    available_end_time time,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id)
);
COMMENT ON TABLE public.services IS
    'What a clinic offers: duration and the buffer blocked after each appointment.';

ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.pets ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.services ENABLE ROW LEVEL SECURITY;

-- Owners choosing a vet must see the clinic's vets (names only matter; the rest is staff data).
CREATE POLICY profiles_vets_visible ON public.profiles FOR SELECT TO anon, authenticated
    USING (role = 'vet' AND deleted_at IS NULL);

GRANT SELECT ON public.tenants, public.services, public.profiles TO anon, authenticated;
GRANT SELECT ON public.pets TO authenticated;
GRANT ALL ON public.tenants, public.profiles, public.pets, public.services TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 001 identity and clinics ready'; END $$;
