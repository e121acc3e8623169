-- Verify 008: a 09:00-10:00 shift in Madrid offers 09:00, 09:15, 09:30 local for a 30-minute
-- service on the spring-forward day, and nothing once 09:00 is booked with a 10-minute buffer.
DO $$
DECLARE
    v_vet uuid := '00000000-0000-0000-0000-000000000008';
    v_service uuid;
    v_slots text;
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-008', 'verify', 'Europe/Madrid');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify-008', v_vet, 'vet', 'verify', 'vet@verify.invalid');
    INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)
        VALUES ('vete-verify-008', v_vet, 7, '09:00', '10:00');
    INSERT INTO public.services (tenant_id, name, category, base_price, duration_minutes, buffer_minutes,
            available_days, available_start_time, available_end_time)
        VALUES ('vete-verify-008', 'verify', 'consultation', 0, 30, 10, NULL, NULL, NULL) RETURNING id INTO v_service;
    PERFORM set_config('vete.clock', '2020-01-01 00:00Z', true);
    SELECT string_agg(to_char(slot_start AT TIME ZONE 'Europe/Madrid', 'HH24:MI'), ' ' ORDER BY slot_start)
        INTO v_slots FROM public.get_available_slots('vete-verify-008', '2027-03-28', v_service);
    PERFORM set_config('vete.clock', '', true);
    IF v_slots IS DISTINCT FROM '09:00 09:15 09:30' THEN
        RAISE EXCEPTION 'verify 008: expected 09:00 09:15 09:30, got %', v_slots;
    END IF;
END
$$;
