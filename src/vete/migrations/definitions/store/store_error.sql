-- vete.store_error (first in 011): vete.failure's answer plus the store's details.
-- vete:requires booking/failure

CREATE OR REPLACE FUNCTION vete.store_error(p_code text, p_message text, p_details jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$
        -- One builder of business errors: vete.failure makes {success, error, message}
        -- for booking and store alike; the store adds its details (offending items, …).
        SELECT vete.failure(p_code, p_message) || coalesce(p_details, '{}'::jsonb)
    $$;

COMMENT ON FUNCTION vete.store_error(text, text, jsonb) IS
    'vete.failure(code, message) plus optional details: the store''s business errors.';

REVOKE ALL ON FUNCTION vete.store_error(text, text, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_error(text, text, jsonb) TO service_role;
