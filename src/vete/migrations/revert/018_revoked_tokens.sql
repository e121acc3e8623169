-- Revert 018: drop the list of signed-out tokens (they are accepted again until they expire).
DELETE FROM vete.intended_grants WHERE object_name = 'vete.revoked_tokens';
DROP TABLE vete.revoked_tokens;
