-- The race clinic: a clinic of its own that vete race creates, and removes at the end.

-- name: schema_ready()$
-- True when vete's booking and store schema and functions are deployed in this database.
SELECT to_regclass('public.appointments') IS NOT NULL
   AND to_regclass('public.vet_working_hours') IS NOT NULL
   AND to_regclass('public.store_carts') IS NOT NULL
   AND to_regclass('public.store_inventory') IS NOT NULL
   AND to_regclass('public.appointment_events') IS NOT NULL
   AND EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'book_appointment_atomic')
   AND EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'reschedule_appointment_atomic')
   AND EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'merge_cart_atomic')
   AND EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'checkout_cart') AS ready;

-- name: create_tenant(tenant)!
-- The clinic, in UTC so the scenarios' times are plain instants.
INSERT INTO tenants (id, name, timezone) VALUES (:tenant, 'vete race ' || :tenant, 'UTC');

-- name: add_people(tenant, role, count)
-- ``count`` profiles with one role; returns their ids.
INSERT INTO profiles (tenant_id, id, role, full_name, email)
SELECT :tenant, gen_random_uuid(), :role, :role || ' ' || g, :role || g || '@' || :tenant || '.race'
FROM generate_series(1, :count) g
RETURNING id;

-- name: add_pets(tenant)
-- One pet per owner of the clinic; returns (owner_id, id).
INSERT INTO pets (tenant_id, owner_id, name)
SELECT tenant_id, id, 'pet of ' || full_name FROM profiles WHERE tenant_id = :tenant AND role = 'owner'
RETURNING owner_id, id;

-- name: add_service(tenant, name, duration, buffer)$
-- A service; returns its id.
INSERT INTO services (tenant_id, name, duration_minutes, buffer_minutes)
VALUES (:tenant, :name, :duration, :buffer)
RETURNING id;

-- name: open_around_the_clock(tenant)!
-- Every vet works 00:00-24:00 every day: every future slot the scenarios use is bookable.
INSERT INTO vet_working_hours (tenant_id, vet_id, weekday, kind, starts_at, ends_at)
SELECT p.tenant_id, p.id, d, 'work', '00:00', '24:00'
FROM profiles p CROSS JOIN generate_series(1, 7) d
WHERE p.tenant_id = :tenant AND p.role = 'vet';

-- name: add_products(tenant, count, stock)
-- ``count`` active products with ``stock`` units each; returns their ids.
WITH goods AS (
    INSERT INTO store_products (tenant_id, sku, name, price)
    SELECT :tenant, 'RACE-' || g, 'Race product ' || g, 1000 + g FROM generate_series(1, :count) g
    RETURNING tenant_id, id
)
INSERT INTO store_inventory (tenant_id, product_id, stock_quantity)
SELECT tenant_id, id, :stock FROM goods
RETURNING product_id AS id;

-- name: may_bypass_triggers()$
-- Whether this role may set session_replication_role (a superuser, or granted SET on it).
SELECT has_parameter_privilege('session_replication_role', 'SET');

-- name: bypass_triggers#
-- Skip triggers (the append-only guard of appointment_events, FK checks) for the rest of
-- this transaction. Needs a superuser, or a role allowed to set it (Supabase's postgres).
-- On a Citus coordinator the rows are deleted on the workers, where the triggers fire:
-- citus.propagate_set_commands = 'local' makes Citus repeat this transaction's SET LOCAL
-- there (elsewhere the citus.* name is an inert placeholder). Not inside a savepoint:
-- Citus forgets a SET LOCAL made in one, and the workers would keep their triggers.
SET LOCAL citus.propagate_set_commands = 'local';
SET LOCAL session_replication_role = replica;

-- name: disable_history_guard#
-- Fallback when session_replication_role may not be set: the table owner turns the
-- append-only guard off inside the cleanup transaction (re-enabled before it commits).
ALTER TABLE public.appointment_events DISABLE TRIGGER appointment_events_append_only;

-- name: enable_history_guard#
-- The append-only guard back on.
ALTER TABLE public.appointment_events ENABLE TRIGGER appointment_events_append_only;

-- name: remove_clinic(tenant)$
-- Everything of one clinic, children first (one statement: foreign keys are checked at
-- its end, when every child row is gone too). Returns how many rows went.
WITH events AS (DELETE FROM appointment_events WHERE tenant_id = :tenant RETURNING 1),
requests AS (DELETE FROM booking_requests WHERE tenant_id = :tenant RETURNING 1),
appts AS (DELETE FROM appointments WHERE tenant_id = :tenant RETURNING 1),
lines AS (DELETE FROM store_order_items WHERE tenant_id = :tenant RETURNING 1),
orders AS (DELETE FROM store_orders WHERE tenant_id = :tenant RETURNING 1),
carts AS (DELETE FROM store_carts WHERE tenant_id = :tenant RETURNING 1),
stock AS (DELETE FROM store_inventory WHERE tenant_id = :tenant RETURNING 1),
goods AS (DELETE FROM store_products WHERE tenant_id = :tenant RETURNING 1),
hours AS (DELETE FROM vet_working_hours WHERE tenant_id = :tenant RETURNING 1),
absences AS (DELETE FROM vet_time_off WHERE tenant_id = :tenant RETURNING 1),
animals AS (DELETE FROM pets WHERE tenant_id = :tenant RETURNING 1),
offered AS (DELETE FROM services WHERE tenant_id = :tenant RETURNING 1),
people AS (DELETE FROM profiles WHERE tenant_id = :tenant RETURNING 1),
clinic AS (DELETE FROM tenants WHERE id = :tenant RETURNING 1)
SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM requests)
     + (SELECT count(*) FROM appts) + (SELECT count(*) FROM lines)
     + (SELECT count(*) FROM orders) + (SELECT count(*) FROM carts)
     + (SELECT count(*) FROM stock) + (SELECT count(*) FROM goods)
     + (SELECT count(*) FROM hours) + (SELECT count(*) FROM absences)
     + (SELECT count(*) FROM animals) + (SELECT count(*) FROM offered)
     + (SELECT count(*) FROM people) + (SELECT count(*) FROM clinic) AS removed;
