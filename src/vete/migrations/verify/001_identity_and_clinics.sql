-- Verify 001: identity reads the session, and the clinic tables accept a clinic.
-- Its rows are ordinary valid data (a staff profile with an email, names of two letters or
-- more): on an adopted database the same script meets the original's own CHECKs.
DO $$
DECLARE
    v_user uuid := '00000000-0000-4000-8000-000000000001';
BEGIN
    IF vete.session_role() <> 'service_role' THEN
        RAISE EXCEPTION 'a direct connection should count as service_role, got %', vete.session_role();
    END IF;
    PERFORM set_config('request.jwt.claims', json_build_object('sub', v_user, 'role', 'authenticated')::text, true);
    IF auth.uid() IS DISTINCT FROM v_user THEN
        RAISE EXCEPTION 'auth.uid() does not read request.jwt.claims';
    END IF;
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify', 'Verify', 'Europe/Madrid');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify', v_user, 'vet', 'Verify', 'vet@verify.invalid');
    IF NOT vete.is_staff_of('vete-verify') THEN
        RAISE EXCEPTION 'a vet profile should make the caller staff';
    END IF;
END
$$;
