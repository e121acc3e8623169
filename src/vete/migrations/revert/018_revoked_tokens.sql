-- Revert 018: drop the list of signed-out tokens (they are accepted again until they expire).
DROP TABLE vete.revoked_tokens;
