-- The merge's line rules, written once (issue 14): how a new and a stored line's quantity
-- read, how the policy folds them, how a line is clamped, and which adjustments it
-- reports. vete.store_cart_apply (the engine) and vete.store_cart_merge_fast (its fast
-- path) both call them. Each is an IMMUTABLE SQL-standard body with no SET clause, so the
-- planner inlines it into the calling statement (as vete.store_parse_uuid): no call is
-- made at run time, and the callers pass plain columns so an argument used several times
-- is still inlined.

CREATE OR REPLACE FUNCTION vete.store_new_quantity(p_line jsonb, p_policy text) RETURNS int
    LANGUAGE sql IMMUTABLE
    RETURN CASE
        WHEN jsonb_typeof(p_line -> 'quantity') IS DISTINCT FROM 'number' THEN NULL
        -- A separate branch: CASE, unlike OR, guarantees the casts below only ever see a
        -- JSON number.
        WHEN (p_line ->> 'quantity')::numeric <> trunc((p_line ->> 'quantity')::numeric)
             OR (p_line ->> 'quantity')::numeric
                 NOT BETWEEN CASE WHEN p_policy = 'set' THEN 0 ELSE 1 END AND 100
            THEN NULL
        ELSE (p_line ->> 'quantity')::numeric::int
    END;

COMMENT ON FUNCTION vete.store_new_quantity(jsonb, text) IS
    'A requested line''s quantity: an integer 1..100 (0..100 for policy set), or NULL when it is not (INVALID_QUANTITY).';

CREATE OR REPLACE FUNCTION vete.store_stored_quantity(p_line jsonb) RETURNS int
    LANGUAGE sql IMMUTABLE
    -- A stored line was written by a merge, or around the functions: read leniently.
    RETURN CASE WHEN jsonb_typeof(p_line -> 'quantity') = 'number'
                THEN greatest(1, least(100, floor((p_line ->> 'quantity')::numeric)))::int
                ELSE 1 END;

COMMENT ON FUNCTION vete.store_stored_quantity(jsonb) IS
    'A stored cart line''s quantity as a merge reads it: a number floored into 1..100, else 1.';

CREATE OR REPLACE FUNCTION vete.store_requested(p_policy text, p_old int, p_new int) RETURNS int
    LANGUAGE sql IMMUTABLE
    -- max keeps the larger quantity (the original's rule), sum adds them, set replaces.
    RETURN CASE
        WHEN p_new IS NULL THEN p_old
        WHEN p_old IS NULL THEN p_new
        WHEN p_policy = 'sum' THEN p_old + p_new
        WHEN p_policy = 'set' THEN p_new
        ELSE greatest(p_old, p_new)
    END;

COMMENT ON FUNCTION vete.store_requested(text, int, int) IS
    'The quantity a policy (max, sum, set) asks for from a line''s stored and new quantities (NULL: none).';

CREATE OR REPLACE FUNCTION vete.store_clamped(p_requested int, p_available int, p_problem text) RETURNS int
    LANGUAGE sql IMMUTABLE
    -- p_available is NULL for a service line: only the cap applies.
    RETURN CASE WHEN p_problem IS NULL
                THEN least(p_requested, 100, coalesce(p_available, 100)) ELSE 0 END;

COMMENT ON FUNCTION vete.store_clamped(int, int, text) IS
    'The quantity a line keeps: what was requested, capped at 100 and at the units available; 0 when it cannot be sold.';

CREATE OR REPLACE FUNCTION vete.store_adjustment_reasons(
    p_requested int, p_quantity int, p_available int, p_problem text, p_past_line_limit boolean,
    p_shown_price jsonb, p_price numeric
) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    -- p_quantity is vete.store_clamped's; p_past_line_limit: the line came after the
    -- cart's 50th; p_shown_price what the client (or the stored line) showed.
    RETURN array_remove(ARRAY[
        CASE WHEN p_problem IS NOT NULL THEN 'UNAVAILABLE' END,
        CASE WHEN p_problem IS NULL AND p_requested > 0 AND p_available = 0 THEN 'OUT_OF_STOCK' END,
        CASE WHEN p_quantity > 0 AND p_quantity < p_requested AND p_quantity = p_available
             THEN 'STOCK_LIMIT' END,
        CASE WHEN p_quantity > 0 AND p_quantity < p_requested AND p_quantity = 100
                  AND p_quantity IS DISTINCT FROM p_available
             THEN 'LINE_MAX' END,
        CASE WHEN p_quantity > 0 AND p_past_line_limit THEN 'CART_LINE_LIMIT' END,
        CASE WHEN p_problem IS NOT NULL OR p_shown_price IS NULL THEN NULL
             WHEN jsonb_typeof(p_shown_price) <> 'number' THEN 'PRICE_FROM_CATALOG'
             WHEN (p_shown_price #>> '{}')::numeric <> p_price THEN 'PRICE_FROM_CATALOG' END
    ], NULL);

COMMENT ON FUNCTION vete.store_adjustment_reasons(int, int, int, text, boolean, jsonb, numeric) IS
    'Why a merged line differs from what its policy alone gives: UNAVAILABLE, OUT_OF_STOCK, STOCK_LIMIT, '
    'LINE_MAX, CART_LINE_LIMIT, PRICE_FROM_CATALOG (empty when it does not).';

REVOKE ALL ON FUNCTION vete.store_new_quantity(jsonb, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_new_quantity(jsonb, text) TO service_role;
REVOKE ALL ON FUNCTION vete.store_stored_quantity(jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_stored_quantity(jsonb) TO service_role;
REVOKE ALL ON FUNCTION vete.store_requested(text, int, int) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_requested(text, int, int) TO service_role;
REVOKE ALL ON FUNCTION vete.store_clamped(int, int, text) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_clamped(int, int, text) TO service_role;
REVOKE ALL ON FUNCTION vete.store_adjustment_reasons(int, int, int, text, boolean, jsonb, numeric)
    FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_adjustment_reasons(int, int, int, text, boolean, jsonb, numeric)
    TO service_role;
