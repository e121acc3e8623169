-- vete.lock_vet (first in 004).

CREATE OR REPLACE FUNCTION vete.lock_vet(p_tenant_id text, p_vet_id uuid) RETURNS void
    LANGUAGE sql
    SET search_path = pg_catalog
    AS $$
        -- One serialization point per (clinic, vet) for the rest of the transaction: the
        -- loser of a race waits here, then sees the winner's row and answers SLOT_UNAVAILABLE.
        SELECT pg_advisory_xact_lock(hashtextextended('vete.vet/' || p_tenant_id || '/' || p_vet_id::text, 0))
    $$;

COMMENT ON FUNCTION vete.lock_vet(text, uuid) IS
    'Transaction advisory lock on one vet of one clinic: serializes every write to its calendar.';

REVOKE ALL ON FUNCTION vete.lock_vet(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
