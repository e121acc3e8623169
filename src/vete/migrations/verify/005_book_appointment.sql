-- Verify 005: one signature only, and a real booking works; the same slot again is
-- SLOT_UNAVAILABLE and the same idempotency key returns the first answer.
SELECT 1 / (count(*) = 1)::int FROM pg_proc WHERE proname = 'book_appointment_atomic';
DO $$
DECLARE
    v_vet uuid := '00000000-0000-0000-0000-000000000005';
    v_pet uuid;
    v_service uuid;
    v_start timestamptz := date_trunc('day', now()) + interval '2 days 10 hours';
    v_first jsonb;
    v_again jsonb;
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-005', 'verify', 'UTC');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify-005', v_vet, 'vet', 'verify', 'vet@verify.invalid');
    INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)
        SELECT 'vete-verify-005', v_vet, d, '08:00', '18:00' FROM generate_series(1, 7) d;
    INSERT INTO public.pets (tenant_id, owner_id, name, species) VALUES ('vete-verify-005', v_vet, 'verify', 'dog')
        RETURNING id INTO v_pet;
    INSERT INTO public.services (tenant_id, name, category, base_price,
            available_days, available_start_time, available_end_time)
        VALUES ('vete-verify-005', 'verify', 'consultation', 0, NULL, NULL, NULL) RETURNING id INTO v_service;
    v_first := public.book_appointment_atomic(
        p_tenant_id => 'vete-verify-005', p_pet_id => v_pet, p_service_id => v_service, p_vet_id => v_vet,
        p_start_time => v_start, p_idempotency_key => 'verify');
    IF NOT (v_first ->> 'success')::boolean THEN
        RAISE EXCEPTION 'verify 005: booking failed: %', v_first;
    END IF;
    v_again := public.book_appointment_atomic(
        p_tenant_id => 'vete-verify-005', p_pet_id => v_pet, p_service_id => v_service, p_vet_id => v_vet,
        p_start_time => v_start, p_idempotency_key => 'verify');
    IF v_again <> v_first THEN
        RAISE EXCEPTION 'verify 005: a retried key did not return the first answer: %', v_again;
    END IF;
    v_again := public.book_appointment_atomic(
        p_tenant_id => 'vete-verify-005', p_pet_id => v_pet, p_service_id => v_service, p_vet_id => v_vet,
        p_start_time => v_start + interval '15 minutes');
    IF v_again ->> 'error' IS DISTINCT FROM 'SLOT_UNAVAILABLE' THEN
        RAISE EXCEPTION 'verify 005: an overlapping booking was not refused: %', v_again;
    END IF;
END
$$;
