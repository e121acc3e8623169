-- The demo dataset: two clinics in different time zones, their people, pets, services and
-- weekly hours. Fixed ids and ON CONFLICT make loading it again change nothing.
-- Emails are the demo logins (`vete token --user ana@demo.vete`).

-- name: load_clinics#
-- Insert (or leave as they are) the demo clinics, people, pets, services and hours.
INSERT INTO public.tenants (id, name, timezone, settings) VALUES
    ('adris', 'Clínica Veterinaria Adris', 'America/Asuncion', '{"slot_minutes": 15}'),
    ('retiro', 'Clínica Veterinaria El Retiro', 'Europe/Madrid', '{"slot_minutes": 30}')
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.profiles (tenant_id, id, role, full_name, email, phone) VALUES
    ('adris',  'a0000000-0000-4000-8000-000000000001', 'admin', 'Ana Benítez',     'ana@demo.vete',    '+595 981 000001'),
    ('adris',  'a0000000-0000-4000-8000-000000000002', 'vet',   'Carlos Giménez',  'carlos@demo.vete', '+595 981 000002'),
    ('adris',  'a0000000-0000-4000-8000-000000000003', 'vet',   'Lucía Ortiz',     'lucia@demo.vete',  '+595 981 000003'),
    ('adris',  'a0000000-0000-4000-8000-000000000004', 'owner', 'María Fernández', 'maria@demo.vete',  '+595 981 000004'),
    ('adris',  'a0000000-0000-4000-8000-000000000005', 'owner', 'Jorge Villalba',  'jorge@demo.vete',  '+595 981 000005'),
    ('retiro', 'b0000000-0000-4000-8000-000000000001', 'admin', 'Elena Martín',    'elena@demo.vete',  '+34 600 000001'),
    ('retiro', 'b0000000-0000-4000-8000-000000000002', 'vet',   'Pablo Ruiz',      'pablo@demo.vete',  '+34 600 000002'),
    -- One person, two clinics: Lucía is a vet in both (profiles are keyed by clinic).
    ('retiro', 'a0000000-0000-4000-8000-000000000003', 'vet',   'Lucía Ortiz',     'lucia@demo.vete',  '+34 600 000003'),
    ('retiro', 'b0000000-0000-4000-8000-000000000004', 'owner', 'Sofía López',     'sofia@demo.vete',  '+34 600 000004')
ON CONFLICT (tenant_id, id) DO NOTHING;

INSERT INTO public.pets (tenant_id, id, owner_id, name, species) VALUES
    ('adris',  'c0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000004', 'Firulais', 'dog'),
    ('adris',  'c0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000004', 'Michi',    'cat'),
    ('adris',  'c0000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000005', 'Toby',     'dog'),
    ('retiro', 'd0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000004', 'Luna',     'cat'),
    ('retiro', 'd0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000004', 'Rocky',    'dog')
ON CONFLICT (tenant_id, id) DO NOTHING;

INSERT INTO public.services
    (tenant_id, id, name, category, base_price, duration_minutes, buffer_minutes, available_days) VALUES
    ('adris',  'e0000000-0000-4000-8000-000000000001', 'Consulta general', 'consultation', 150000, 30,  5, NULL),
    ('adris',  'e0000000-0000-4000-8000-000000000002', 'Vacunación',       'vaccination',   90000, 15,  0, NULL),
    ('adris',  'e0000000-0000-4000-8000-000000000003', 'Cirugía menor',    'surgery',      800000, 90, 30, '{1,2,3,4,5}'),
    ('adris',  'e0000000-0000-4000-8000-000000000004', 'Peluquería',       'grooming',     120000, 60, 15, NULL),
    ('retiro', 'f0000000-0000-4000-8000-000000000001', 'Consulta',         'consultation',     40, 30, 10, NULL),
    ('retiro', 'f0000000-0000-4000-8000-000000000002', 'Vacunación',       'vaccination',      35, 15,  0, NULL),
    ('retiro', 'f0000000-0000-4000-8000-000000000003', 'Cirugía',          'surgery',         450, 120, 30, '{1,2,3,4,5}')
ON CONFLICT (tenant_id, id) DO NOTHING;

-- Adris: Monday-Friday 08:00-18:00 with lunch 12:00-13:00, Saturday 08:00-12:00.
-- El Retiro: Monday-Friday 09:00-19:00 with lunch 14:00-15:00; Pablo also Saturday mornings.
INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, kind, starts_at, ends_at, label)
SELECT h.tenant_id, h.vet_id::uuid, d, h.kind, h.starts_at::time, h.ends_at::time, h.label
FROM (VALUES
    ('adris',  'a0000000-0000-4000-8000-000000000002', 1, 5, 'work',  '08:00', '18:00', NULL),
    ('adris',  'a0000000-0000-4000-8000-000000000002', 1, 5, 'break', '12:00', '13:00', 'almuerzo'),
    ('adris',  'a0000000-0000-4000-8000-000000000002', 6, 6, 'work',  '08:00', '12:00', NULL),
    ('adris',  'a0000000-0000-4000-8000-000000000003', 1, 5, 'work',  '08:00', '18:00', NULL),
    ('adris',  'a0000000-0000-4000-8000-000000000003', 1, 5, 'break', '12:00', '13:00', 'almuerzo'),
    ('retiro', 'b0000000-0000-4000-8000-000000000002', 1, 5, 'work',  '09:00', '19:00', NULL),
    ('retiro', 'b0000000-0000-4000-8000-000000000002', 1, 5, 'break', '14:00', '15:00', 'comida'),
    ('retiro', 'b0000000-0000-4000-8000-000000000002', 6, 6, 'work',  '10:00', '14:00', NULL),
    ('retiro', 'a0000000-0000-4000-8000-000000000003', 1, 5, 'work',  '09:00', '19:00', NULL),
    ('retiro', 'a0000000-0000-4000-8000-000000000003', 1, 5, 'break', '14:00', '15:00', 'comida')
) AS h (tenant_id, vet_id, first_day, last_day, kind, starts_at, ends_at, label)
CROSS JOIN LATERAL generate_series(h.first_day, h.last_day) AS d
ON CONFLICT (tenant_id, vet_id, weekday, kind, starts_at) DO NOTHING;

-- name: demo_counts()^
-- What the demo dataset holds now, for the command's report.
SELECT (SELECT count(*) FROM public.tenants WHERE id IN ('adris', 'retiro')) AS clinics,
       (SELECT count(*) FROM public.profiles WHERE right(email, 10) = '@demo.vete') AS profiles,
       (SELECT count(*) FROM public.pets WHERE tenant_id IN ('adris', 'retiro')) AS pets,
       (SELECT count(*) FROM public.services WHERE tenant_id IN ('adris', 'retiro')) AS services,
       (SELECT count(*) FROM public.vet_working_hours WHERE tenant_id IN ('adris', 'retiro')) AS hours,
       (SELECT count(*) FROM public.store_products WHERE tenant_id IN ('adris', 'retiro')) AS products;

-- name: schema_ready()$
-- True when vete's booking schema is deployed in this database.
SELECT to_regclass('public.appointments') IS NOT NULL AND to_regclass('public.vet_working_hours') IS NOT NULL
   AND to_regclass('public.store_products') IS NOT NULL;
