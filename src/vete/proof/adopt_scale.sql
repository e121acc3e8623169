-- The original's database at size, for bench/adopt_at_scale.py and its scaled-down test: on top of
-- the adopt fixture (the original's schema as ORIGINAL_LIVE_SCHEMA.md describes it, with its
-- CHECKs, triggers and policies; its functions and four clinics), one clinic "scale" with
-- :vets vets and :per_vet appointments each, laid out as a real calendar: back-to-back
-- 30-minute slots, every 20th cancelled, and one double booking per vet (the original's race)
-- for --resolve to settle. The original's triggers do not fire on this bulk load
-- (session_replication_role): the rows are the fixture's, not a replay of bookings.

-- name: fill_clinic(vets)!
-- The clinic, its vets, one owner with one pet, one service.
WITH clinic AS (
    INSERT INTO public.tenants (id, name, settings) VALUES ('scale', 'Clínica Escala', '{"timezone": "UTC"}')
    RETURNING id
),
vets AS (
    INSERT INTO public.profiles (id, tenant_id, role, full_name, email)
    SELECT ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid, c.id, 'vet', 'Vet ' || v,
           'vet' || v || '@escala.py'
    FROM clinic c, generate_series(1, :vets) v
),
owner AS (
    INSERT INTO public.profiles (id, tenant_id, role, full_name)
    SELECT 'c0000000-0000-4000-9000-000000000001', c.id, 'owner', 'Owner' FROM clinic c
    RETURNING id, tenant_id
),
pet AS (
    INSERT INTO public.pets (id, tenant_id, owner_id, name, species)
    SELECT 'd0000000-0000-4000-8000-000000000001', o.tenant_id, o.id, 'Rex', 'dog' FROM owner o
)
INSERT INTO public.services (id, tenant_id, name, category, base_price, duration_minutes)
SELECT 'e0000000-0000-4000-8000-000000000001', c.id, 'Consulta', 'consultation', 100000, 30
FROM clinic c;

-- name: fill_calendars(vets, per_vet)!
-- Back-to-back 30-minute slots per vet, every 20th cancelled, booked a second apart.
INSERT INTO public.appointments
    (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes, status,
     reason, created_at)
SELECT 'scale', 'd0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
       ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid,
       timestamptz '2024-01-01' + s * interval '30 minutes',
       timestamptz '2024-01-01' + (s + 1) * interval '30 minutes', 30,
       CASE WHEN s %% 20 = 0 THEN 'cancelled' ELSE 'scheduled' END,
       'control', timestamptz '2023-12-01' + s * interval '1 second'
FROM generate_series(1, :vets) v, generate_series(1, :per_vet - 1) s;

-- name: fill_double_bookings(vets)!
-- The original's race: a second appointment in slot 7 of every vet, booked later.
INSERT INTO public.appointments
    (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes, status,
     reason, created_at)
SELECT 'scale', 'd0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
       ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid,
       timestamptz '2024-01-01' + interval '3 hours 30 minutes',
       timestamptz '2024-01-01' + interval '4 hours', 30, 'scheduled', 'raced',
       timestamptz '2024-06-01'
FROM generate_series(1, :vets) v;

-- name: probe_ids(n)
-- Appointments for the probe to read and update, spread over the clinic.
SELECT id FROM public.appointments WHERE tenant_id = 'scale' ORDER BY random() LIMIT :n;

-- name: probe_read(id)^
SELECT id, start_time, status FROM public.appointments WHERE id = :id;

-- name: probe_update(id, notes)!
UPDATE public.appointments SET notes = :notes WHERE id = :id;
