-- Verify vete.is_staff_of (001's checks): a direct connection is service_role, and a vet
-- profile makes the signed-in caller staff of its clinic.
DO $$
DECLARE
    v_user uuid := '00000000-0000-4000-8000-000000000001';
BEGIN
    IF vete.session_role() <> 'service_role' THEN
        RAISE EXCEPTION 'a direct connection should count as service_role, got %', vete.session_role();
    END IF;
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify', 'Verify', 'Europe/Madrid');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify', v_user, 'vet', 'Verify', 'vet@verify.invalid');
    PERFORM set_config('request.jwt.claims', json_build_object('sub', v_user, 'role', 'authenticated')::text, true);
    IF NOT vete.is_staff_of('vete-verify') THEN
        RAISE EXCEPTION 'a vet profile should make the caller staff';
    END IF;
END
$$;
