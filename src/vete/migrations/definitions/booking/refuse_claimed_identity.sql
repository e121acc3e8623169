-- vete.refuse_claimed_identity (first in 006).
-- vete:requires booking/failure
-- vete:requires identity/is_service
-- vete:requires identity/is_staff_of

CREATE OR REPLACE FUNCTION vete.refuse_claimed_identity(p_user_id uuid, p_is_staff boolean, p_tenant_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- The original trusted these arguments; here a claim the session does not back is refused.
        SELECT CASE
            WHEN vete.is_service() THEN NULL
            WHEN auth.uid() IS NULL THEN vete.failure('UNAUTHORIZED', 'No autorizado')
            WHEN p_user_id IS NOT NULL AND p_user_id <> auth.uid()
                THEN vete.failure('UNAUTHORIZED', 'El usuario no coincide con la sesión')
            WHEN coalesce(p_is_staff, false) AND NOT vete.is_staff_of(p_tenant_id)
                THEN vete.failure('UNAUTHORIZED', 'No es personal de esta clínica')
        END
    $$;

COMMENT ON FUNCTION vete.refuse_claimed_identity(uuid, boolean, text) IS
    'A failure when p_user_id / p_is_staff claim more than the session holds, else NULL.';

REVOKE ALL ON FUNCTION vete.refuse_claimed_identity(uuid, boolean, text) FROM PUBLIC, anon, authenticated, service_role;
