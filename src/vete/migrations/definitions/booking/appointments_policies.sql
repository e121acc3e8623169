-- policy appointments_owner_or_staff on public.appointments (first in 003).
-- vete:requires identity/is_staff_of
-- vete:requires identity/owns_pet

DROP POLICY IF EXISTS appointments_owner_or_staff ON public.appointments;

CREATE POLICY appointments_owner_or_staff ON public.appointments FOR SELECT TO authenticated
    USING (vete.is_staff_of(tenant_id) OR vete.owns_pet(tenant_id, pet_id));

COMMENT ON POLICY appointments_owner_or_staff ON public.appointments IS
    'Owners see their own pets'' appointments; staff see their clinic''s.';
