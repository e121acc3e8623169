-- Revert 020: the policy helpers leave vete.intended_grants. Their definition files stay
-- their current source (docs/deploy.md "Reverting a versioned migration").
DELETE FROM vete.intended_grants
 WHERE object_name IN (
    'vete.sees_appointment(text, uuid)',
    'vete.product_on_sale(text, uuid)',
    'vete.sees_order(text, uuid)');
