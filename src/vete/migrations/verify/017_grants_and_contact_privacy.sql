-- Verify 017: every listed object's ACL is exactly the list (no drift), anon may not
-- TRUNCATE appointments, and, as anon and as a signed-in owner, clinic_vets shows a
-- clinic's vets by name while profiles shows no vet's email (anon may not read profiles
-- at all) and tenants.settings is out of reach.
--
-- On a database distributed by `vete db distribute` (Citus), rows this transaction writes
-- cannot be read back under another role: Citus refuses ("cannot perform query on
-- placements that were modified in this transaction by a different user"). There the row
-- checks are tests/citus/test_api_roles.py's, on committed rows; this script checks what
-- those reads depend on: every worker lets the API roles log in and run the policies'
-- nested reads (docs/scale-out.md).
DO $$
DECLARE
    v_vet uuid := gen_random_uuid();
    v_owner uuid := gen_random_uuid();
    v_drift text;
    v_names int;
    v_emails int;
    v_distributed boolean := false;
    v_workers text;
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

    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE $q$SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition
                                   WHERE logicalrelid = 'public.profiles'::regclass)$q$
           INTO v_distributed;
    END IF;
    IF v_distributed THEN
        EXECUTE $q$
            SELECT string_agg(w.nodename || ':' || w.nodeport || ' ' || w.result, '; ')
            FROM pg_catalog.run_command_on_workers($w$
                SELECT coalesce(string_agg(rolname, ','), 'ok') FROM pg_catalog.pg_roles
                WHERE rolname IN ('anon', 'authenticated', 'service_role')
                  AND NOT (rolcanlogin AND coalesce(rolconfig, '{}')
                           @> '{citus.allow_nested_distributed_execution=on}')$w$) w
            WHERE NOT w.success OR w.result <> 'ok'$q$
           INTO v_workers;
        IF v_workers IS NOT NULL THEN
            RAISE EXCEPTION 'on Citus, these API roles cannot read a clinic''s rows on a worker: % (vete db distribute prepares them)',
                v_workers;
        END IF;
        RETURN;
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
