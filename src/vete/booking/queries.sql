-- SQL behind vete.booking: each query calls one booking function by its named arguments,
-- exactly as a Supabase RPC caller does.

-- name: book_appointment(tenant_id, pet_id, service_id, vet_id, start_time, duration_minutes, reason, notes, booked_by, idempotency_key)$
-- Book an appointment (book_appointment_atomic); returns its JSON answer.
SELECT public.book_appointment_atomic(
    p_tenant_id => :tenant_id::text,
    p_pet_id => :pet_id::uuid,
    p_service_id => :service_id::uuid,
    p_vet_id => :vet_id::uuid,
    p_start_time => :start_time::timestamptz,
    p_duration_minutes => :duration_minutes::int,
    p_reason => :reason::text,
    p_notes => :notes::text,
    p_booked_by => :booked_by::uuid,
    p_idempotency_key => :idempotency_key::text
) AS result;

-- name: reschedule_appointment(appointment_id, new_start_time, user_id, is_staff)$
-- Move an appointment (reschedule_appointment_atomic); returns its JSON answer.
SELECT public.reschedule_appointment_atomic(
    p_appointment_id => :appointment_id::uuid,
    p_new_start_time => :new_start_time::timestamptz,
    p_user_id => :user_id::uuid,
    p_is_staff => :is_staff::boolean
) AS result;

-- name: cancel_appointment(appointment_id, reason)$
-- Cancel an appointment with a reason; returns the JSON answer.
SELECT public.cancel_appointment(
    p_appointment_id => :appointment_id::uuid,
    p_reason => :reason::text
) AS result;

-- name: set_appointment_status(appointment_id, status, reason)$
-- Move an appointment along its lifecycle; returns the JSON answer.
SELECT public.set_appointment_status(
    p_appointment_id => :appointment_id::uuid,
    p_status => :status::text,
    p_reason => :reason::text
) AS result;

-- name: available_slots(tenant_id, day, service_id, vet_id)
-- Free slots of a clinic-local date for a service (one vet, or every vet when NULL).
SELECT s.slot_start, s.slot_end, s.vet_id
FROM public.get_available_slots(
    p_tenant_id => :tenant_id::text,
    p_date => :day::date,
    p_service_id => :service_id::uuid,
    p_vet_id => :vet_id::uuid
) AS s;

-- name: resolve_clinic_local_time(tenant_id, local_time, later)$
-- The instant of a wall-clock time in the clinic (fails inside a DST gap).
SELECT public.resolve_clinic_local_time(
    p_tenant_id => :tenant_id::text,
    p_local_time => :local_time::timestamp,
    p_later => :later::boolean
) AS result;
