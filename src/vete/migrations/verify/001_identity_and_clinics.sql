-- Verify 001: auth.uid() reads the claims, and the clinic tables accept a clinic and a
-- member. Its rows are ordinary valid data (a staff profile with an email, names of two
-- letters or more): on an adopted database the same script meets the original's own
-- CHECKs. (vete.session_role and vete.is_staff_of are checked by their definitions'
-- verify scripts, definitions/identity/verify/.)
DO $$
DECLARE
    v_user uuid := '00000000-0000-4000-8000-000000000001';
BEGIN
    PERFORM set_config('request.jwt.claims', json_build_object('sub', v_user, 'role', 'authenticated')::text, true);
    IF auth.uid() IS DISTINCT FROM v_user THEN
        RAISE EXCEPTION 'auth.uid() does not read request.jwt.claims';
    END IF;
    INSERT INTO public.tenants (id, name, timezone) VALUES ('vete-verify', 'Verify', 'Europe/Madrid');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email)
        VALUES ('vete-verify', v_user, 'vet', 'Verify', 'vet@verify.invalid');
END
$$;
