-- Each clinic's vets by name, without their contact details (first in 017).
-- Vets by name: the public face of a clinic's staff. The view reads profiles with its
-- owner's rights (not the caller's), so row-level security does not apply and the view
-- itself is the whole filter; security_barrier keeps a caller's own functions from
-- seeing rows the filter drops.

CREATE OR REPLACE VIEW public.clinic_vets WITH (security_barrier = true) AS
    SELECT p.tenant_id, p.id, p.full_name
    FROM public.profiles p
    WHERE p.role = 'vet' AND p.deleted_at IS NULL;

COMMENT ON VIEW public.clinic_vets IS
    'Each clinic''s live vets, names only: what anon and every signed-in user may see of staff.';
