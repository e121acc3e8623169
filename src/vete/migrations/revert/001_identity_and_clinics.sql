-- Revert 001: drop the clinic core tables.
-- Its functions, triggers and policies live in definitions/ and are left as they are (a
-- definition file is their one current source, docs/deploy.md "Definitions"); those on
-- its tables go with the tables.
-- The roles anon/authenticated/service_role and auth.uid() are left in place: roles are
-- cluster-wide (other databases may use them) and on Supabase they were never ours.
-- public.clinic_vets (a definition) reads profiles, so it cannot outlive the table.
DROP VIEW IF EXISTS public.clinic_vets;
DROP TABLE public.pets;
DROP TABLE public.services;
DROP TABLE public.profiles;
DROP TABLE public.tenants;
