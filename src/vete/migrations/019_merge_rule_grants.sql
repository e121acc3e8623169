-- 019: the grants of the merge's line rules, written once (issue 14).
-- vete:expect-notice vete 019 merge rule grants ready
--
-- The cart merge existed twice: the engine (vete.store_cart_apply, 011) and its fast path
-- (vete.store_cart_merge_fast, 014) each wrote out how a quantity reads, how a policy
-- folds, the clamps, the adjustment reasons, the catalog probe and the answer. Those are
-- now small functions that the planner inlines into both (definitions/store/:
-- store_line_rules.sql, store_product_offer.sql, store_merge_answer.sql). This migration
-- only lists them in vete.intended_grants: executable by service_role, as the rest of the
-- engine; the definitions, applied after it, create them.

INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES
    ('function', 'vete.store_new_quantity(jsonb, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_stored_quantity(jsonb)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_requested(text, int, int)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_clamped(int, int, text)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_adjustment_reasons(int, int, int, text, boolean, jsonb, numeric)',
     '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_product_offer(text, uuid)', '{}', '{}', '{EXECUTE}'),
    ('function', 'vete.store_merge_answer(jsonb, uuid, bigint, jsonb, int, numeric, text)', '{}', '{}', '{EXECUTE}');
SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 019 merge rule grants ready'; END $$;
