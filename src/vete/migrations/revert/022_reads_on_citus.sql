-- Revert 022: the three functions leave vete.intended_grants. Their definition files stay
-- their current source (docs/deploy.md "Reverting a versioned migration").
DELETE FROM vete.intended_grants
 WHERE object_name IN ('vete.forward_claims_to_workers(text)', 'vete.forward_request_claims()',
                       'vete.clinic_vets_of(text)');
