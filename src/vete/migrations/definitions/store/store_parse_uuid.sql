-- A uuid from text, or NULL when it is not one (first in 015).

CREATE OR REPLACE FUNCTION vete.store_parse_uuid(p_text text) RETURNS uuid
    LANGUAGE sql IMMUTABLE
    -- An SQL-standard body and no SET clause, so the planner inlines it (as 014 did for
    -- session_role()). Every cast below is guarded by exactly what uuid_in accepts, so
    -- it never raises, whatever the text.
    RETURN CASE
        -- The canonical spelling, by far the most common, with a cheap one-state pattern.
        WHEN length(p_text) = 36
             AND p_text ~ '^[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+$'
             AND substr(p_text, 9, 1) = '-' AND substr(p_text, 14, 1) = '-'
             AND substr(p_text, 19, 1) = '-' AND substr(p_text, 24, 1) = '-'
            THEN p_text::uuid
        -- Every other spelling uuid_in reads: 32 hex digits in either case, an optional
        -- hyphen after each group of four, the whole optionally in braces. No whitespace.
        WHEN length(p_text) BETWEEN 32 AND 41
             AND p_text ~ '^([0-9A-Fa-f]{4}(-?[0-9A-Fa-f]{4}){7}|\{[0-9A-Fa-f]{4}(-?[0-9A-Fa-f]{4}){7}\})$'
            THEN p_text::uuid
    END;

COMMENT ON FUNCTION vete.store_parse_uuid(text) IS
    'The uuid a text spells in any form PostgreSQL reads (case, braces, hyphens), or NULL; never raises.';

REVOKE ALL ON FUNCTION vete.store_parse_uuid(text) FROM PUBLIC, anon, authenticated, service_role;

GRANT EXECUTE ON FUNCTION vete.store_parse_uuid(text) TO service_role;
