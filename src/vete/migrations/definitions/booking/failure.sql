-- vete.failure (first in 004).

CREATE OR REPLACE FUNCTION vete.failure(p_code text, p_message text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$ SELECT jsonb_build_object('success', false, 'error', p_code, 'message', p_message) $$;

COMMENT ON FUNCTION vete.failure(text, text) IS
    'A business outcome: {success:false, error:CODE, message:TEXT}, as the original returned.';

REVOKE ALL ON FUNCTION vete.failure(text, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.failure(text, text) TO anon, authenticated, service_role;
