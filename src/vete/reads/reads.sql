-- Reads behind the HTTP API and the web pages. They run as the request's identity (the
-- claims and role set by vete.session.act_as), so row-level security decides what each
-- caller sees; nothing here writes.
--
-- Appointment times are shown clamped to [0001-01-02, 9999-12-30] UTC: a row written before
-- migration 016 bounded start times (or straight into the table) may hold an instant no
-- Python datetime can hold (9999-12-31T23:59-12:00 is year 10000 in UTC), and one such row
-- would make the whole list fail. Clamped, it is listed (at the edge of time) and can be
-- cancelled; the day of margin keeps it readable in every session time zone.

-- name: clinics()
-- Every clinic, by name.
SELECT t.id, t.name, t.timezone FROM public.tenants t ORDER BY t.name, t.id;

-- name: clinic(tenant_id)^
-- One clinic, or nothing.
SELECT t.id, t.name, t.timezone FROM public.tenants t WHERE t.id = :tenant_id::text;

-- name: services(tenant_id)
-- A clinic's active services, by name.
SELECT s.id, s.name, s.category, s.base_price, s.duration_minutes, s.buffer_minutes
FROM public.services s
WHERE s.tenant_id = :tenant_id::text AND s.is_active AND s.deleted_at IS NULL
ORDER BY s.name, s.id;

-- name: vets(tenant_id)
-- A clinic's vets, by name (clinic_vets: names only; contact details are staff data).
SELECT v.id, v.full_name
FROM public.clinic_vets v
WHERE v.tenant_id = :tenant_id::text
ORDER BY v.full_name, v.id;

-- name: my_pets(tenant_id)
-- The caller's own live pets in a clinic.
SELECT p.id, p.name, p.species
FROM public.pets p
WHERE p.tenant_id = :tenant_id::text AND p.owner_id = auth.uid() AND p.deleted_at IS NULL
ORDER BY p.name, p.id;

-- name: my_memberships()
-- The clinics the caller belongs to, with their role and name there.
SELECT p.tenant_id, t.name AS clinic_name, p.role, p.full_name, p.email
FROM public.profiles p JOIN public.tenants t ON t.id = p.tenant_id
WHERE p.id = auth.uid() AND p.deleted_at IS NULL
ORDER BY t.name, p.tenant_id;

-- name: caller_is_staff(tenant_id)$
-- True when the caller is a vet or admin of the clinic (or the platform).
SELECT vete.is_staff_of(:tenant_id::text) AS is_staff;

-- name: my_appointments(tenant_id)
-- Appointments of the caller's own pets in a clinic, soonest first.
SELECT a.id, a.tenant_id, a.pet_id, pet.name AS pet_name, a.service_id, s.name AS service_name,
       a.vet_id, vet.full_name AS vet_name,
       least(greatest(a.start_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS start_time,
       least(greatest(a.end_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS end_time,
       a.status
FROM public.appointments a
JOIN public.pets pet ON pet.tenant_id = a.tenant_id AND pet.id = a.pet_id
JOIN public.services s ON s.tenant_id = a.tenant_id AND s.id = a.service_id
LEFT JOIN public.clinic_vets vet ON vet.tenant_id = a.tenant_id AND vet.id = a.vet_id
WHERE a.tenant_id = :tenant_id::text AND pet.owner_id = auth.uid() AND a.deleted_at IS NULL
ORDER BY a.start_time, a.id;

-- name: appointment(appointment_id)^
-- One appointment the caller may see (row-level security), or nothing.
SELECT a.id, a.tenant_id, a.pet_id, pet.name AS pet_name, a.service_id, s.name AS service_name,
       a.vet_id, vet.full_name AS vet_name,
       least(greatest(a.start_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS start_time,
       least(greatest(a.end_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS end_time,
       a.status
FROM public.appointments a
JOIN public.pets pet ON pet.tenant_id = a.tenant_id AND pet.id = a.pet_id
JOIN public.services s ON s.tenant_id = a.tenant_id AND s.id = a.service_id
LEFT JOIN public.clinic_vets vet ON vet.tenant_id = a.tenant_id AND vet.id = a.vet_id
WHERE a.id = :appointment_id::uuid AND a.deleted_at IS NULL;

-- name: clinic_day(tenant_id, day)
-- Every appointment of one clinic-local date (staff see them all through row-level security).
SELECT a.id, a.tenant_id, a.pet_id, pet.name AS pet_name, a.service_id, s.name AS service_name,
       a.vet_id, vet.full_name AS vet_name,
       least(greatest(a.start_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS start_time,
       least(greatest(a.end_time, timestamptz '0001-01-02 00:00Z'), timestamptz '9999-12-30 00:00Z') AS end_time,
       a.status,
       owner.full_name AS owner_name
FROM public.tenants t
JOIN public.appointments a ON a.tenant_id = t.id
JOIN public.pets pet ON pet.tenant_id = a.tenant_id AND pet.id = a.pet_id
JOIN public.services s ON s.tenant_id = a.tenant_id AND s.id = a.service_id
LEFT JOIN public.profiles vet ON vet.tenant_id = a.tenant_id AND vet.id = a.vet_id
LEFT JOIN public.profiles owner ON owner.tenant_id = pet.tenant_id AND owner.id = pet.owner_id
WHERE t.id = :tenant_id::text AND a.deleted_at IS NULL
  AND a.start_time >= (:day::date::timestamp AT TIME ZONE t.timezone)
  AND a.start_time < ((:day::date + 1)::timestamp AT TIME ZONE t.timezone)
ORDER BY a.start_time, vet.full_name, a.id;

-- name: booking_calendar(tenant_id, vet_id)^
-- The clinic's today on its own wall clock (vete.clock(): the clock booking judges the past
-- by) and the ISO weekdays on which any of its vets (or the one chosen) has a shift: why a
-- day has no free slot, and which day the booking page opens on.
SELECT (vete.clock() AT TIME ZONE t.timezone)::date AS today,
       ARRAY(SELECT DISTINCT h.weekday
             FROM public.vet_working_hours h
             JOIN public.clinic_vets v ON v.tenant_id = h.tenant_id AND v.id = h.vet_id
             WHERE h.tenant_id = t.id AND h.kind = 'work'
               AND (:vet_id::uuid IS NULL OR h.vet_id = :vet_id::uuid)
             ORDER BY h.weekday) AS open_weekdays
FROM public.tenants t
WHERE t.id = :tenant_id::text;

-- name: products(tenant_id)
-- A clinic's products on sale with the units available now.
SELECT p.id, p.sku, p.name, p.category, p.price,
       greatest(coalesce(i.stock_quantity - i.reserved_quantity, 0), 0) AS available
FROM public.store_products p
LEFT JOIN public.store_inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
WHERE p.tenant_id = :tenant_id::text AND p.is_active AND p.deleted_at IS NULL
ORDER BY p.category, p.name, p.id;

-- name: user_by_email(email)^
-- The auth user id behind a login email (one person may have a profile in several clinics).
SELECT p.id, min(p.full_name) AS full_name
FROM public.profiles p
WHERE lower(p.email) = lower(:email::text) AND p.deleted_at IS NULL
GROUP BY p.id
ORDER BY p.id
LIMIT 1;

-- name: demo_logins(demo_ids)
-- The demo users (the demo dataset's fixed ids, each with its demo email), for the demo
-- sign-in page. A profile is a demo user by its id, which only the demo loader writes,
-- never by its email alone, which any profile may carry.
SELECT p.id, min(p.email) AS email, min(p.full_name) AS full_name,
       jsonb_agg(jsonb_build_object('role', p.role, 'clinic', t.name) ORDER BY t.name)
           AS memberships
FROM public.profiles p JOIN public.tenants t ON t.id = p.tenant_id
WHERE p.id = ANY (:demo_ids::uuid[]) AND right(p.email, 10) = '@demo.vete'
  AND p.deleted_at IS NULL
GROUP BY p.id
ORDER BY min(p.email);

-- name: demo_user_by_email(email, demo_ids)$
-- The demo user behind a demo email (see demo_logins), or nothing.
SELECT p.id
FROM public.profiles p
WHERE p.id = ANY (:demo_ids::uuid[]) AND right(p.email, 10) = '@demo.vete'
  AND lower(p.email) = lower(:email::text) AND p.deleted_at IS NULL
ORDER BY p.id
LIMIT 1;

-- name: is_empty()$
-- True when no clinic exists yet (vete serve then loads the demo into the embedded database).
SELECT NOT EXISTS (SELECT 1 FROM public.tenants) AS empty;
