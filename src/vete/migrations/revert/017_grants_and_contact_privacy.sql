-- Revert 017: the grants, policy and reads of migrations 001-016, as they wrote them on
-- a plain PostgreSQL. What 017 revoked that no migration ever granted (a Supabase
-- project's default ALL for anon and authenticated, TRUNCATE included) is not given
-- back: re-granting it would reopen the hole, and vete never meant it.
-- Functions, views and policies in definitions/ are left as they are (a definition file is
-- their one current source, docs/deploy.md "Definitions").
CREATE POLICY profiles_vets_visible ON public.profiles FOR SELECT TO anon, authenticated
    USING (role = 'vet' AND deleted_at IS NULL);

-- Tables: 001-010 granted SELECT to the API roles and ALL to service_role.
REVOKE ALL ON public.tenants FROM anon, authenticated;
GRANT SELECT ON public.tenants, public.services, public.profiles TO anon, authenticated;
GRANT SELECT ON public.pets TO authenticated;
GRANT ALL ON public.tenants, public.profiles, public.pets, public.services TO service_role;
GRANT ALL ON public.vet_working_hours, public.vet_time_off TO service_role;
GRANT ALL ON public.appointments, public.appointment_events, public.booking_requests TO service_role;
GRANT ALL ON public.store_products, public.store_inventory, public.store_carts,
    public.store_orders, public.store_order_items TO service_role;

-- Functions 001-014 did not revoke from PUBLIC (it keeps EXECUTE by default).
GRANT EXECUTE ON FUNCTION vete.session_role(), vete.is_service(), vete.is_staff_of(text),
    vete.valid_timezone(text), vete.key_range(text, text), vete.key_range(text, text, text),
    vete.key_multirange(), vete.key_multirange(vete.key_range),
    vete.key_multirange(vete.key_range[]), vete.vet_key(text, uuid),
    vete.blocked_range(timestamptz, timestamptz, int), vete.is_active_status(text),
    vete.failure(text, text), vete.clinic_zone(text), vete.local_date(text, timestamptz),
    vete.vet_weekly(text, uuid, date, text), vete.vet_time_off(text, uuid, tstzrange),
    vete.service_window(text, uuid, date), vete.check_tenant_timezone(),
    vete.refuse_event_change(), vete.refuse_event_rewrite(), vete.tenant_key_violations()
    TO PUBLIC;

DROP FUNCTION vete.grant_drift();
DROP FUNCTION vete.apply_intended_grants();
DROP FUNCTION vete.intended_object_oid(text, text);
DROP TABLE vete.intended_grants;
DROP FUNCTION vete.is_grant_list(text[]);
