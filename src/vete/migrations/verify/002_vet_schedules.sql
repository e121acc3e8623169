-- Verify 002: the schedule tables exist and refuse a shift that ends before it starts.
SELECT 1 / (count(*) = 2)::int FROM pg_class
WHERE oid IN ('public.vet_working_hours'::regclass, 'public.vet_time_off'::regclass);
DO $$
BEGIN
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify-002', 'verify', 'UTC');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify-002', '00000000-0000-0000-0000-000000000002', 'vet', 'verify', 'vet@verify.invalid');
    BEGIN
        INSERT INTO public.vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)
            VALUES ('vete-verify-002', '00000000-0000-0000-0000-000000000002', 1, '10:00', '09:00');
        RAISE EXCEPTION 'verify 002: a backwards shift was accepted';
    EXCEPTION WHEN check_violation THEN
        NULL;  -- expected
    END;
END
$$;
