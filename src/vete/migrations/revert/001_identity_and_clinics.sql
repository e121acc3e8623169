-- Revert 001: drop the clinic core tables and vete's identity helpers.
-- The roles anon/authenticated/service_role and auth.uid() are left in place: roles are
-- cluster-wide (other databases may use them) and on Supabase they were never ours.
DROP TABLE public.pets;
DROP TABLE public.services;
DROP TABLE public.profiles;
DROP TABLE public.tenants;
DROP FUNCTION vete.check_tenant_timezone();
DROP FUNCTION vete.is_staff_of(text);
DROP FUNCTION vete.caller_role_in(text);
DROP FUNCTION vete.valid_timezone(text);
DROP FUNCTION vete.is_service();
DROP FUNCTION vete.session_role();
