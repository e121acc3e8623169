-- TEXT_TOO_LONG for notes and reasons over 2000 characters (first in 016, issue 13).
-- vete:requires booking/failure

CREATE OR REPLACE FUNCTION vete.text_too_long(p_argument text, p_value text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$
        -- octet_length first: it reads the stored size without counting characters, and
        -- a text of at most 2000 bytes has at most 2000 characters.
        SELECT CASE WHEN octet_length(p_value) > 2000 AND char_length(p_value) > 2000
                    THEN vete.failure('TEXT_TOO_LONG',
                        format('%s: como máximo 2000 caracteres', p_argument)) END
    $$;

COMMENT ON FUNCTION vete.text_too_long(text, text) IS
    'TEXT_TOO_LONG naming the argument when a text the booking functions store exceeds 2000 characters, else NULL.';

REVOKE ALL ON FUNCTION vete.text_too_long(text, text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.text_too_long(text, text) TO service_role;
