-- Verify 018: the table is there, no client role may touch it, and it refuses a value that
-- is not a SHA-256.
DO $$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF has_table_privilege(v_role, 'vete.revoked_tokens', 'SELECT, INSERT, UPDATE, DELETE') THEN
            RAISE EXCEPTION 'role % has a privilege on vete.revoked_tokens', v_role;
        END IF;
    END LOOP;
    IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = 'vete.revoked_tokens'::regclass) THEN
        RAISE EXCEPTION 'vete.revoked_tokens has no row-level security';
    END IF;
    BEGIN
        INSERT INTO vete.revoked_tokens (token_sha256, expires_at) VALUES ('\x00', now());
        RAISE EXCEPTION 'vete.revoked_tokens took a 1-byte hash';
    EXCEPTION WHEN check_violation THEN
        NULL;
    END;
END
$$;
