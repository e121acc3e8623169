-- name: create_baseline_table#
-- (b) of booking_throughput.py: the appointments shape with only the overlap constraint.
CREATE TABLE bench_overlap (LIKE appointments INCLUDING DEFAULTS INCLUDING GENERATED);
ALTER TABLE bench_overlap ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE bench_overlap ADD CONSTRAINT bench_overlap_no_overlap EXCLUDE USING gist (
    vete.vet_key(tenant_id, vet_id) WITH &&, blocked_range WITH &&
) WHERE (vete.is_active_status(status) AND deleted_at IS NULL);

-- name: backend_pid()$
SELECT pg_backend_pid();

-- name: overlap_insert(pet, service, vet, start)!
-- (b): an INSERT that only has the overlap constraint.
INSERT INTO bench_overlap (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes)
VALUES ('benchclinic', :pet, :service, :vet, :start, :start + interval '30 minutes', 30);

-- name: appointment_insert(pet, service, vet, start)!
-- The same INSERT into the real appointments table (foreign keys, checks, all indexes).
INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes)
VALUES ('benchclinic', :pet, :service, :vet, :start, :start + interval '30 minutes', 30);

-- name: book(pet, service, vet, start)$
SELECT book_appointment_atomic(p_tenant_id => 'benchclinic', p_pet_id => :pet,
    p_service_id => :service, p_vet_id => :vet, p_start_time => :start);

-- name: upsert(customer_id, items)!
INSERT INTO store_carts (tenant_id, customer_id, items)
VALUES ('bench', :customer_id, :items)
ON CONFLICT (customer_id, tenant_id) DO UPDATE SET items = EXCLUDED.items;

-- name: merge(customer_id, items)$
SELECT merge_cart_atomic(p_customer_id => :customer_id, p_tenant_id => 'bench', p_new_items => :items);

-- name: merge_engine(customer_id, items)$
-- The same merge through the full engine only (what merge_cart_atomic did before 014's
-- fast path, minus the identity check): the fast path's gain, measured in the same run.
SELECT vete.store_cart_apply('bench', :customer_id, :items, 'max');
