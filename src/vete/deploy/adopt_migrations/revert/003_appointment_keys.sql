-- Revert vete-adopt 003: the index goes (004's revert already dropped the constraint over it).
DROP INDEX IF EXISTS public.appointments_tenant_id_id_key;
