-- bench/adopt_at_scale.py's database: the adopt fixture (the original's schema, functions and
-- four clinics) plus one clinic "scale" with :vets vets and :per_vet appointments each, laid
-- out as a real calendar: back-to-back 30-minute slots, every 20th cancelled, and one double
-- booking per vet (the original's race) for --resolve to settle. The original's triggers do
-- not fire on this bulk load (session_replication_role): the rows are the fixture's, not a
-- replay of bookings.

-- name: fill_scale_clinic(vets, per_vet)
SET session_replication_role = replica;
INSERT INTO public.tenants (id, name, settings) VALUES ('scale', 'Clínica Escala', '{"timezone": "UTC"}');
INSERT INTO public.profiles (id, tenant_id, role, full_name)
SELECT ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid, 'scale', 'vet', 'Vet ' || v
FROM generate_series(1, :vets) v;
INSERT INTO public.profiles (id, tenant_id, role, full_name)
VALUES ('c0000000-0000-4000-9000-000000000001', 'scale', 'owner', 'Owner');
INSERT INTO public.pets (id, tenant_id, owner_id, name, species)
VALUES ('d0000000-0000-4000-8000-000000000001', 'scale', 'c0000000-0000-4000-9000-000000000001', 'Rex', 'dog');
INSERT INTO public.services (id, tenant_id, name, base_price, duration_minutes)
VALUES ('e0000000-0000-4000-8000-000000000001', 'scale', 'Consulta', 100000, 30);
INSERT INTO public.appointments
    (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes, status,
     reason, created_at)
SELECT 'scale', 'd0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
       ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid,
       timestamptz '2024-01-01' + s * interval '30 minutes',
       timestamptz '2024-01-01' + (s + 1) * interval '30 minutes', 30,
       CASE WHEN s % 20 = 0 THEN 'cancelled' ELSE 'scheduled' END,
       'control', timestamptz '2023-12-01' + s * interval '1 second'
FROM generate_series(1, :vets) v, generate_series(1, :per_vet - 1) s;
-- the double booking: a second appointment in slot 7 of every vet, booked later
INSERT INTO public.appointments
    (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes, status,
     reason, created_at)
SELECT 'scale', 'd0000000-0000-4000-8000-000000000001', 'e0000000-0000-4000-8000-000000000001',
       ('c0000000-0000-4000-8000-' || lpad(v::text, 12, '0'))::uuid,
       timestamptz '2024-01-01' + interval '3 hours 30 minutes',
       timestamptz '2024-01-01' + interval '4 hours', 30, 'scheduled', 'raced', timestamptz '2024-06-01'
FROM generate_series(1, :vets) v;
RESET session_replication_role;
ANALYZE public.appointments;
