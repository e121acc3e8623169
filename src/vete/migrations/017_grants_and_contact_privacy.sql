-- 017: exactly the grants vete means, on every object of vete's, whatever the database's
-- default privileges; vets' contact details kept to their clinic's staff.
-- vete:expect-notice vete 017 grants and contact privacy ready
-- vete:valid-checksum 6d048d68d52e189900f64a4349c41cd13fbf3943d47159991466e2ea612244b5
-- vete:valid-checksum 000438bd429ef3405a6ee21a601cb64b086ce6482a1b83f6025e725173a8eb24
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
-- vete:requires identity/clinic_vets
--
-- A Supabase project grants ALL on every new table, sequence and function in public to
-- anon, authenticated and service_role (ALTER DEFAULT PRIVILEGES in its initial schema),
-- and row-level security does not stop TRUNCATE. Migrations 001-016 granted what they
-- meant but revoked nothing of that, so anon could TRUNCATE appointments.
--
-- vete.intended_grants is the one declarative list of what each role may do on each of
-- vete's objects. vete.apply_intended_grants() takes everything from PUBLIC and the three
-- API roles on each listed object, then grants what the list says; objects it does not
-- list are not touched (an adopted database's own tables, docs/adopt.md).
-- vete.grant_drift() compares the list with the live ACLs; the deployer runs it before
-- every later migration's COMMIT. A later migration that creates an object adds its row
-- here and calls vete.apply_intended_grants() (the lint rule grants-not-declared).
--
-- Vets' email and phone: the policy that showed every live vet's profile to anon and to
-- signed-in users of any clinic goes; public.clinic_vets shows names only. Row-level
-- security cannot hide columns, so the view is the public face and profiles stays staff
-- data (self, or staff of the clinic). tenants: id, name and timezone are public;
-- settings (configuration, and on an adopted database the original's private columns)
-- are readable by service_role and vete's own functions only.

CREATE FUNCTION vete.is_grant_list(p_entries text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$
        SELECT coalesce(bool_and(e ~ '^(SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER|USAGE|EXECUTE|ALL)( \([a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*\))?$'), true)
        FROM unnest(p_entries) e
    $$;
COMMENT ON FUNCTION vete.is_grant_list(text[]) IS
    'True when every entry is in GRANT''s wording: a privilege, or a privilege on some columns (SELECT (id, name)).';

CREATE TABLE vete.intended_grants (
    object_type text NOT NULL CHECK (object_type IN ('table', 'view', 'sequence', 'function')),
    object_name text PRIMARY KEY,
    anon text[] NOT NULL DEFAULT '{}',
    authenticated text[] NOT NULL DEFAULT '{}',
    service_role text[] NOT NULL DEFAULT '{}',
    CONSTRAINT intended_grants_entries CHECK (
        vete.is_grant_list(anon) AND vete.is_grant_list(authenticated) AND vete.is_grant_list(service_role)
    )
);
COMMENT ON TABLE vete.intended_grants IS
    'What anon, authenticated and service_role may do on each of vete''s objects (nothing for PUBLIC): '
    'entries as in GRANT, e.g. SELECT or SELECT (id, name). Applied by vete.apply_intended_grants(), '
    'checked by vete.grant_drift().';
COMMENT ON COLUMN vete.intended_grants.object_name IS
    'Schema-qualified; a function with its argument types (what to_regprocedure reads).';

CREATE FUNCTION vete.intended_object_oid(p_type text, p_name text) RETURNS oid
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        SELECT CASE WHEN p_type = 'function' THEN to_regprocedure(p_name)::oid
                    ELSE to_regclass(p_name)::oid END
    $$;
COMMENT ON FUNCTION vete.intended_object_oid(text, text) IS
    'The object a row of vete.intended_grants names, or NULL when the database has none.';

CREATE FUNCTION vete.apply_intended_grants() RETURNS int
    LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$
    -- Each listed object that exists: REVOKE ALL from PUBLIC and the API roles, then the
    -- listed GRANTs. Names are printed back from the object's oid (quoted as PostgreSQL
    -- quotes them), entries are checked by the table's CHECK: nothing is spliced raw.
    DECLARE
        g vete.intended_grants;
        v_oid oid;
        v_target text;
        v_role text;
        v_entry text;
        v_count int := 0;
    BEGIN
        FOR g IN SELECT * FROM vete.intended_grants ORDER BY object_name LOOP
            v_oid := vete.intended_object_oid(g.object_type, g.object_name);
            CONTINUE WHEN v_oid IS NULL;
            v_target := CASE g.object_type
                WHEN 'function' THEN 'FUNCTION ' || v_oid::regprocedure::text
                WHEN 'sequence' THEN 'SEQUENCE ' || v_oid::regclass::text
                ELSE 'TABLE ' || v_oid::regclass::text END;
            EXECUTE format('REVOKE ALL ON %s FROM PUBLIC, anon, authenticated, service_role', v_target);
            FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
                FOREACH v_entry IN ARRAY CASE v_role WHEN 'anon' THEN g.anon
                                                     WHEN 'authenticated' THEN g.authenticated
                                                     ELSE g.service_role END LOOP
                    EXECUTE format('GRANT %s ON %s TO %I', v_entry, v_target, v_role);
                END LOOP;
            END LOOP;
            v_count := v_count + 1;
        END LOOP;
        RETURN v_count;
    END
    $$;
COMMENT ON FUNCTION vete.apply_intended_grants() IS
    'Makes the ACLs of every object in vete.intended_grants exactly what it lists; returns how many objects.';

CREATE FUNCTION vete.grant_drift()
    RETURNS TABLE (object_name text, grantee text, privilege text, problem text)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- Privileges are compared one by one: (object, grantee, privilege, column or NULL
        -- for the whole object). ALL means every privilege this server has for the kind
        -- (MAINTAIN exists from PostgreSQL 17 on). A NULL ACL is the built-in default.
        WITH listed AS (
            SELECT g.object_type, g.object_name, o.oid,
                   CASE g.object_type WHEN 'function' THEN 'f' WHEN 'sequence' THEN 's' ELSE 'r' END::"char" AS acl_kind,
                   CASE WHEN g.object_type = 'function'
                        THEN (SELECT p.proowner FROM pg_proc p WHERE p.oid = o.oid)
                        ELSE (SELECT c.relowner FROM pg_class c WHERE c.oid = o.oid) END AS owner,
                   CASE WHEN g.object_type = 'function'
                        THEN (SELECT p.proacl FROM pg_proc p WHERE p.oid = o.oid)
                        ELSE (SELECT c.relacl FROM pg_class c WHERE c.oid = o.oid) END AS acl,
                   g.anon, g.authenticated, g.service_role
            FROM vete.intended_grants g
            CROSS JOIN LATERAL (SELECT vete.intended_object_oid(g.object_type, g.object_name) AS oid) o
            WHERE o.oid IS NOT NULL
        ),
        entries AS (
            SELECT l.*, r.grantee, m[1] AS privilege, m[2] AS columns
            FROM listed l
            CROSS JOIN LATERAL (VALUES ('anon', l.anon), ('authenticated', l.authenticated),
                                       ('service_role', l.service_role)) r(grantee, list)
            CROSS JOIN LATERAL unnest(r.list) e
            CROSS JOIN LATERAL regexp_match(e, '^([A-Z]+)(?: \((.*)\))?$') m
        ),
        intended AS (
            SELECT e.object_name, e.grantee, a.privilege_type AS privilege, NULL::text AS column_name
            FROM entries e
            CROSS JOIN LATERAL aclexplode(acldefault(e.acl_kind, e.owner)) a
            WHERE e.columns IS NULL AND a.grantee = e.owner
              AND (e.privilege = 'ALL' OR a.privilege_type = e.privilege)
            UNION
            SELECT e.object_name, e.grantee, e.privilege, btrim(c)
            FROM entries e
            CROSS JOIN LATERAL unnest(string_to_array(e.columns, ',')) c
            WHERE e.columns IS NOT NULL
        ),
        live AS (
            SELECT l.object_name, coalesce(r.rolname, 'PUBLIC') AS grantee,
                   a.privilege_type AS privilege, NULL::text AS column_name
            FROM listed l
            CROSS JOIN LATERAL aclexplode(coalesce(l.acl, acldefault(l.acl_kind, l.owner))) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE a.grantee = 0 OR r.rolname IN ('anon', 'authenticated', 'service_role')
            UNION
            SELECT l.object_name, coalesce(r.rolname, 'PUBLIC'), a.privilege_type, att.attname::text
            FROM listed l
            JOIN pg_attribute att ON att.attrelid = l.oid AND att.attnum > 0 AND att.attacl IS NOT NULL
            CROSS JOIN LATERAL aclexplode(att.attacl) a
            LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE l.object_type <> 'function'
              AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated', 'service_role'))
        )
        SELECT d.object_name, d.grantee,
               d.privilege || coalesce(' (' || d.column_name || ')', ''), d.problem
        FROM (
            (SELECT *, 'not intended' AS problem FROM live
             EXCEPT SELECT *, 'not intended' FROM intended)
            UNION ALL
            (SELECT *, 'missing' FROM intended
             EXCEPT SELECT *, 'missing' FROM live)
        ) d
        ORDER BY 1, 2, 3
    $$;
COMMENT ON FUNCTION vete.grant_drift() IS
    'Each privilege of PUBLIC, anon, authenticated or service_role on a listed object that differs from vete.intended_grants (empty when exact).';

-- Vets by name: public.clinic_vets (definitions/identity/clinic_vets.sql) replaces this
-- policy.
DROP POLICY IF EXISTS profiles_vets_visible ON public.profiles;
-- The list. service_role reads and writes rows (no TRUNCATE: it would empty the
-- append-only appointment_events past its trigger); anon and authenticated read, through
-- row-level security, and write only through vete's functions.
INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role) VALUES
    ('table', 'public.tenants', '{"SELECT (id, name, timezone)"}', '{"SELECT (id, name, timezone)"}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.profiles', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.pets', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.services', '{SELECT}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.vet_working_hours', '{SELECT}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.vet_time_off', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.appointments', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.appointment_events', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('sequence', 'public.appointment_events_id_seq', '{}', '{}', '{}'),
    ('table', 'public.booking_requests', '{}', '{}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.store_products', '{SELECT}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.store_inventory', '{SELECT}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.store_carts', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.store_orders', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('table', 'public.store_order_items', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}'),
    ('view', 'public.clinic_vets', '{SELECT}', '{SELECT}', '{SELECT}'),
    -- vete's own bookkeeping: the deployer's history, adopt's log (adopted databases
    -- only), this list. No API role reads them.
    ('table', 'vete.schema_migrations', '{}', '{}', '{}'),
    ('table', 'vete.deploy_events', '{}', '{}', '{}'),
    ('sequence', 'vete.deploy_events_id_seq', '{}', '{}', '{}'),
    ('table', 'vete.schema_definitions', '{}', '{}', '{}'),
    ('sequence', 'vete.schema_definitions_id_seq', '{}', '{}', '{}'),
    ('table', 'vete.adopt_resolutions', '{}', '{}', '{}'),
    ('sequence', 'vete.adopt_resolutions_id_seq', '{}', '{}', '{}'),
    ('table', 'vete.intended_grants', '{}', '{}', '{}'),
    ('table', 'vete.appointment_status_transitions', '{SELECT}', '{SELECT}', '{SELECT}'),
    -- The API's functions.
    ('function', 'public.get_available_slots(text, date, uuid, uuid)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.resolve_clinic_local_time(text, timestamp, boolean)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.book_appointment_atomic(text, uuid, uuid, uuid, timestamptz, int, text, text, uuid, text)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.reschedule_appointment_atomic(uuid, timestamptz, uuid, boolean)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.set_appointment_status(uuid, text, text)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.cancel_appointment(uuid, text)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.merge_cart_atomic(uuid, text, jsonb, text)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.get_cart(text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.add_cart_item(text, jsonb, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.set_cart_item_quantity(text, text, text, int, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.remove_cart_item(text, text, text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.clear_cart(text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'public.checkout_cart(text, text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    -- Helpers the policies, generated columns, constraints and invoker functions evaluate
    -- as the caller: every API role must be able to run them (read-only).
    ('function', 'vete.session_role()', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.is_service()', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.is_staff_of(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.caller_role_in(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.owns_pet(text, uuid)', '{}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.valid_timezone(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.clock()', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.clock_for(boolean)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.key_range(text, text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.key_range(text, text, text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.key_multirange()', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.key_multirange(vete.key_range)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.key_multirange(vete.key_range[])', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.vet_key(text, uuid)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.blocked_range(timestamptz, timestamptz, int)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.is_active_status(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.failure(text, text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.clinic_zone(text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.local_date(text, timestamptz)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.vet_weekly(text, uuid, date, text)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.vet_time_off(text, uuid, tstzrange)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    ('function', 'vete.service_window(text, uuid, date)', '{EXECUTE}', '{EXECUTE}', '{EXECUTE}'),
    -- Trigger functions: a trigger runs its function without an EXECUTE check, so no
    -- role needs to call them directly.
    ('function', 'vete.check_tenant_timezone()', '{}', '{}', '{}'),
    ('function', 'vete.refuse_event_change()', '{}', '{}', '{}'),
    ('function', 'vete.refuse_event_rewrite()', '{}', '{}', '{}'),
    -- Internals reached only through SECURITY DEFINER functions (the store's are also
    -- service_role's, as 011-014 granted).
    ('function', 'vete.lock_vet(text, uuid)', '{}', '{}', '{}'),
    ('function', 'vete.actor_role(text)', '{}', '{}', '{}'),
    ('function', 'vete.find_appointment(uuid)', '{}', '{}', '{}'),
    ('function', 'vete.refuse_claimed_identity(uuid, boolean, text)', '{}', '{}', '{}'),
    ('function', 'vete.slot_minutes(text)', '{}', '{}', '{}'),
    ('function', 'vete.schedule_problem(text, uuid, uuid, timestamptz, timestamptz)', '{}', '{}', '{EXECUTE}'),
    -- 016's booking bounds, granted to service_role as 016 did.
    ('function', 'vete.text_too_long(text, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.booking_horizon_days(text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.latest_bookable_start(text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.too_far_ahead(text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.tenant_key_violations()', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_error(text, text, jsonb)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_resolve_customer(text, uuid)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_catalog(text, uuid, jsonb)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_parse_uuid(text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_line_id(text, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_lock_cart(text, uuid)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_cart_json(public.store_carts, jsonb)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_cart_apply(text, uuid, jsonb, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_cart_write(text, uuid, jsonb, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_cart_drop_lines(text, uuid, text, text, boolean)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_cart_merge_fast(text, uuid, jsonb, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_order_json(text, uuid, boolean)', '{}', '{}', '{EXECUTE}'),
    -- This migration's own: the deployer (the objects' owner) runs them.
    ('function', 'vete.is_grant_list(text[])', '{}', '{}', '{}'),
    ('function', 'vete.intended_object_oid(text, text)', '{}', '{}', '{}'),
    ('function', 'vete.apply_intended_grants()', '{}', '{}', '{}'),
    ('function', 'vete.grant_drift()', '{}', '{}', '{}');

SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 017 grants and contact privacy ready'; END $$;
