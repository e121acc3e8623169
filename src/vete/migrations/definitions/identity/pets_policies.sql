-- policy pets_owner_or_staff on public.pets (first in 001).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS pets_owner_or_staff ON public.pets;

CREATE POLICY pets_owner_or_staff ON public.pets FOR SELECT TO authenticated
    USING (owner_id = auth.uid() OR vete.is_staff_of(tenant_id));
