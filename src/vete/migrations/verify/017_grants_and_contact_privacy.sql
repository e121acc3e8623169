-- Verify 017: every listed object's ACL is exactly the list (no drift), anon may not
-- TRUNCATE appointments, and, as anon and as a signed-in owner, clinic_vets shows a
-- clinic's vets by name while profiles shows no vet's email (anon may not read profiles
-- at all) and tenants.settings is out of reach.
DO $$
DECLARE
    v_vet uuid := gen_random_uuid();
    v_owner uuid := gen_random_uuid();
    v_drift text;
    v_names int;
    v_emails int;
BEGIN
    SELECT string_agg(format('%s %s %s: %s', object_name, grantee, privilege, problem), '; ')
      INTO v_drift FROM vete.grant_drift();
    IF v_drift IS NOT NULL THEN
        RAISE EXCEPTION 'grants differ from vete.intended_grants: %', v_drift;
    END IF;
    IF has_table_privilege('anon', 'public.appointments', 'TRUNCATE')
       OR has_column_privilege('anon', 'public.profiles', 'email', 'SELECT')
       OR has_column_privilege('authenticated', 'public.tenants', 'settings', 'SELECT') THEN
        RAISE EXCEPTION 'an API role keeps a privilege 017 takes away';
    END IF;

    INSERT INTO public.tenants (id, name) VALUES ('zz-vete-verify', 'verify 017');
    INSERT INTO public.profiles (tenant_id, id, role, full_name, email, phone) VALUES
        ('zz-vete-verify', v_vet, 'vet', 'Verify Vet', 'vet@verify.invalid', '+0 000'),
        ('zz-vete-verify', v_owner, 'owner', 'Verify Owner', 'owner@verify.invalid', '+0 001');

    PERFORM set_config('request.jwt.claims', jsonb_build_object('role', 'authenticated', 'sub', v_owner)::text, true);
    SET LOCAL ROLE authenticated;
    SELECT count(*) INTO v_names FROM public.clinic_vets WHERE tenant_id = 'zz-vete-verify';
    SELECT count(*) INTO v_emails FROM public.profiles
     WHERE tenant_id = 'zz-vete-verify' AND role = 'vet' AND email IS NOT NULL;
    RESET ROLE;
    IF v_names <> 1 OR v_emails <> 0 THEN
        RAISE EXCEPTION 'as an owner: % vets by name (1 expected), % vets'' emails (0 expected)',
            v_names, v_emails;
    END IF;

    PERFORM set_config('request.jwt.claims', '{"role": "anon"}', true);
    SET LOCAL ROLE anon;
    SELECT count(*) INTO v_names FROM public.clinic_vets WHERE tenant_id = 'zz-vete-verify';
    RESET ROLE;
    IF v_names <> 1 THEN
        RAISE EXCEPTION 'as anon: % vets by name (1 expected)', v_names;
    END IF;
END
$$;
