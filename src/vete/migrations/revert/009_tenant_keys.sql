-- Revert 009: drop the catalog check.
DROP FUNCTION IF EXISTS vete.tenant_key_violations();
