-- Verify 003: the database itself refuses an overlapping active appointment (buffer
-- included), and accepts one that starts where the buffer ends.
DO $$
DECLARE
    v_vet uuid := '00000000-0000-0000-0000-000000000003';
    v_pet uuid;
    v_service uuid;
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-003', 'verify', 'UTC');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify-003', v_vet, 'vet', 'verify', 'vet@verify.invalid');
    INSERT INTO public.pets (tenant_id, owner_id, name, species)
        VALUES ('vete-verify-003', v_vet, 'verify', 'dog') RETURNING id INTO v_pet;
    INSERT INTO public.services (tenant_id, name, category, base_price,
            available_days, available_start_time, available_end_time)
        VALUES ('vete-verify-003', 'verify', 'consultation', 0, NULL, NULL, NULL) RETURNING id INTO v_service;
    INSERT INTO public.appointments
        (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes, buffer_minutes)
        VALUES ('vete-verify-003', v_pet, v_service, v_vet,
                '2030-01-01 10:00Z', '2030-01-01 10:30Z', 30, 10);
    INSERT INTO public.appointments
        (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes)
        VALUES ('vete-verify-003', v_pet, v_service, v_vet,
                '2030-01-01 10:40Z', '2030-01-01 11:00Z', 20);
    BEGIN
        INSERT INTO public.appointments
            (tenant_id, pet_id, service_id, vet_id, start_time, end_time, duration_minutes)
            VALUES ('vete-verify-003', v_pet, v_service, v_vet,
                    '2030-01-01 10:35Z', '2030-01-01 10:40Z', 5);
        RAISE EXCEPTION 'verify 003: an appointment inside another''s buffer was accepted';
    EXCEPTION WHEN exclusion_violation THEN
        NULL;  -- expected
    END;
END
$$;
