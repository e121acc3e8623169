-- Verify book_appointment_atomic (005's checks): one signature only, and a real booking works; the same slot again is
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

-- 016's checks: called as two owners of one clinic, a custom duration is refused, the
-- same key books for each, a start beyond the horizon and over-long notes are refused;
-- the platform may choose a duration.
DO $$
DECLARE
    v_vet uuid := gen_random_uuid();
    v_owners uuid[] := ARRAY[gen_random_uuid(), gen_random_uuid()];
    v_pets uuid[];
    v_pet uuid;
    v_service uuid;
    v_start timestamptz := date_trunc('day', now()) + interval '3 days 10 hours';
    v_answers jsonb[];
    r jsonb;
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-016', 'verify', 'UTC');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
    VALUES ('vete-verify-016', v_vet, 'vet', 'verify', 'vet@verify.invalid'),
           ('vete-verify-016', v_owners[1], 'owner', 'verify', NULL),
           ('vete-verify-016', v_owners[2], 'owner', 'verify', NULL);
    INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)
        SELECT 'vete-verify-016', v_vet, d, '08:00', '18:00' FROM generate_series(1, 7) d;
    FOR i IN 1 .. 2 LOOP
        INSERT INTO public.pets (tenant_id, owner_id, name, species)
        VALUES ('vete-verify-016', v_owners[i], 'verify', 'dog') RETURNING id INTO v_pet;
        v_pets := v_pets || v_pet;
    END LOOP;
    INSERT INTO public.services (tenant_id, name, category, base_price, duration_minutes,
        available_days, available_start_time, available_end_time)
    VALUES ('vete-verify-016', 'verify', 'consultation', 0, 15, NULL, NULL, NULL) RETURNING id INTO v_service;

    r := public.book_appointment_atomic(
        p_tenant_id => 'vete-verify-016', p_pet_id => v_pets[1], p_service_id => v_service,
        p_vet_id => v_vet, p_start_time => v_start + interval '6 hours', p_duration_minutes => 45);
    IF r ->> 'success' IS DISTINCT FROM 'true' THEN
        RAISE EXCEPTION 'verify 016: the platform could not choose a duration: %', r;
    END IF;

    SET LOCAL ROLE authenticated;
    FOR i IN 1 .. 2 LOOP
        PERFORM set_config('request.jwt.claims',
            jsonb_build_object('sub', v_owners[i], 'role', 'authenticated')::text, true);
        r := public.book_appointment_atomic(
            p_tenant_id => 'vete-verify-016', p_pet_id => v_pets[i], p_service_id => v_service,
            p_vet_id => v_vet, p_start_time => v_start, p_duration_minutes => 240);
        IF r ->> 'error' IS DISTINCT FROM 'DURATION_NOT_ALLOWED' THEN
            RAISE EXCEPTION 'verify 016: an owner chose a duration: %', r;
        END IF;
        r := public.book_appointment_atomic(
            p_tenant_id => 'vete-verify-016', p_pet_id => v_pets[i], p_service_id => v_service,
            p_vet_id => v_vet, p_start_time => '9999-12-31 23:59-12');
        IF r ->> 'error' IS DISTINCT FROM 'START_TOO_FAR_AHEAD' THEN
            RAISE EXCEPTION 'verify 016: a start in year 10000 was not refused: %', r;
        END IF;
        r := public.book_appointment_atomic(
            p_tenant_id => 'vete-verify-016', p_pet_id => v_pets[i], p_service_id => v_service,
            p_vet_id => v_vet, p_start_time => v_start, p_notes => repeat('N', 2001));
        IF r ->> 'error' IS DISTINCT FROM 'TEXT_TOO_LONG' THEN
            RAISE EXCEPTION 'verify 016: over-long notes were not refused: %', r;
        END IF;
        v_answers := v_answers || public.book_appointment_atomic(
            p_tenant_id => 'vete-verify-016', p_pet_id => v_pets[i], p_service_id => v_service,
            p_vet_id => v_vet, p_start_time => v_start + make_interval(hours => i),
            p_idempotency_key => 'verify-016');
    END LOOP;
    RESET ROLE;
    IF v_answers[1] ->> 'success' IS DISTINCT FROM 'true' OR v_answers[2] ->> 'success' IS DISTINCT FROM 'true'
       OR v_answers[1] ->> 'appointment_id' = v_answers[2] ->> 'appointment_id' THEN
        RAISE EXCEPTION 'verify 016: one key did not book for each owner: %', v_answers;
    END IF;
END
$$;
