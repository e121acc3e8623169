-- What a merge answers (issue 14: written once, for the engine vete.store_cart_apply and
-- its fast path vete.store_cart_merge_fast).

CREATE OR REPLACE FUNCTION vete.store_merge_answer(
    p_items jsonb, p_cart_id uuid, p_version bigint, p_adjustments jsonb,
    p_total_quantity int, p_total numeric, p_policy text
) RETURNS jsonb
    LANGUAGE sql STABLE
    -- The keys of vete.store_cart_json (every cart function's answer) plus adjustments and
    -- policy, with the totals the merge statement already summed. An SQL-standard body
    -- and no SET clause, so the planner inlines it: store_cart_json, a PL/pgSQL call that
    -- sums the stored lines again, cost ~50 us more per merge on PostgreSQL 15. The cart's
    -- columns, not its row: a function of the row type would stop reverting 010 from
    -- dropping store_carts.
    RETURN jsonb_build_object(
        'success', true,
        'items', p_items,
        'item_count', jsonb_array_length(p_items),
        'total_quantity', p_total_quantity,
        'total', p_total,
        'cart_id', p_cart_id,
        'version', p_version,
        'adjustments', p_adjustments,
        'policy', p_policy);

COMMENT ON FUNCTION vete.store_merge_answer(jsonb, uuid, bigint, jsonb, int, numeric, text) IS
    'A merge''s success JSON: the cart''s items, counts and totals, version, adjustments and policy.';

REVOKE ALL ON FUNCTION vete.store_merge_answer(jsonb, uuid, bigint, jsonb, int, numeric, text)
    FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_merge_answer(jsonb, uuid, bigint, jsonb, int, numeric, text)
    TO service_role;
