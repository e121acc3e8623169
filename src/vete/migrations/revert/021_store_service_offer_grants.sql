-- Revert 021: the service probe leaves vete.intended_grants. Its definition file stays its
-- current source (docs/deploy.md "Reverting a versioned migration").
DELETE FROM vete.intended_grants WHERE object_name = 'vete.store_service_offer(text, uuid, uuid, uuid)';
