-- Revert 019: the line rules leave vete.intended_grants. Their definition files stay
-- their current source (docs/deploy.md "Reverting a versioned migration").
DELETE FROM vete.intended_grants
 WHERE object_name IN (
    'vete.store_new_quantity(jsonb, text)',
    'vete.store_stored_quantity(jsonb)',
    'vete.store_requested(text, int, int)',
    'vete.store_clamped(int, int, text)',
    'vete.store_adjustment_reasons(int, int, int, text, boolean, jsonb, numeric)',
    'vete.store_product_offer(text, uuid)',
    'vete.store_merge_answer(jsonb, uuid, bigint, jsonb, int, numeric, text)');
