-- The canonical id of a cart line (first in 015).
-- vete:requires store/store_parse_uuid

CREATE OR REPLACE FUNCTION vete.store_line_id(p_id text, p_type text) RETURNS text
    LANGUAGE sql IMMUTABLE
    -- Inlined like vete.store_parse_uuid. A product line's id is its uuid's canonical
    -- text; a service line's "serviceId-petId-variant" has its two uuids (8-4-4-4-12 hex
    -- digits, either case) in lower case and its variant as sent.
    RETURN CASE p_type
        WHEN 'product' THEN vete.store_parse_uuid(p_id)::text
        WHEN 'service' THEN CASE
            WHEN p_id ~ '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}-.'
                THEN lower(left(p_id, 74)) || substr(p_id, 75)
            END
    END;

COMMENT ON FUNCTION vete.store_line_id(text, text) IS
    'The canonical id of a cart line (id, type): what lines are grouped, stored and compared by; NULL when malformed.';

REVOKE ALL ON FUNCTION vete.store_line_id(text, text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.store_line_id(text, text) TO service_role;
