-- vete.store_error (first in 011).

CREATE OR REPLACE FUNCTION vete.store_error(p_code text, p_message text, p_details jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$
        SELECT jsonb_build_object('success', false, 'error', p_code, 'message', p_message)
            || coalesce(p_details, '{}'::jsonb)
    $$;

COMMENT ON FUNCTION vete.store_error(text, text, jsonb) IS
    'The store''s business-error JSON: {success:false, error, message} plus optional details.';

REVOKE ALL ON FUNCTION vete.store_error(text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_error(text, text, jsonb) TO service_role;
