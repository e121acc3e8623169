-- policy profiles_self_or_staff on public.profiles (first in 001).
-- vete:requires identity/is_staff_of

DROP POLICY IF EXISTS profiles_self_or_staff ON public.profiles;

CREATE POLICY profiles_self_or_staff ON public.profiles FOR SELECT TO authenticated
    USING (id = auth.uid() OR vete.is_staff_of(tenant_id));
