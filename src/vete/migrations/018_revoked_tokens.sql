-- 018: tokens signed out of the web pages, refused from then on by the pages and the API.
-- vete:expect-notice vete 018 revoked tokens ready
--
-- A JWT stays valid until its exp: signing out of the pages only deleted the cookie, so a
-- copy of the token kept working for hours. vete's HTTP layer now records the token it
-- signs out here (its SHA-256, never the token itself) and, in the same round trip that
-- sets the request's identity, refuses a request whose token is listed
-- (vete/api/sql/tokens.sql). Rows are kept until the token would have expired anyway;
-- each sign-out prunes the ones past that.
--
-- Only vete's own server reads and writes it, as the role it connects with (the role that
-- deployed this migration, so the owner): no client role has any privilege on it, and
-- row-level security with no policy would hide every row from one that got a grant.

CREATE TABLE vete.revoked_tokens (
    token_sha256 bytea PRIMARY KEY CHECK (octet_length(token_sha256) = 32),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE vete.revoked_tokens IS
    'Tokens signed out before they expired (their SHA-256): the HTTP layer refuses them. '
    'Written and read only by vete''s server role; pruned past expires_at.';
COMMENT ON COLUMN vete.revoked_tokens.token_sha256 IS 'SHA-256 of the compact JWT, as sent.';
COMMENT ON COLUMN vete.revoked_tokens.expires_at IS
    'The token''s exp: after it the token is refused anyway and the row can go.';
COMMENT ON COLUMN vete.revoked_tokens.revoked_at IS 'When it was signed out.';

CREATE INDEX revoked_tokens_expires_at ON vete.revoked_tokens (expires_at);
COMMENT ON INDEX vete.revoked_tokens_expires_at IS 'Pruning the rows past expiry.';

ALTER TABLE vete.revoked_tokens ENABLE ROW LEVEL SECURITY;
INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES ('table', 'vete.revoked_tokens', '{}', '{}', '{}');
SELECT vete.apply_intended_grants();

DO $$ BEGIN RAISE NOTICE 'vete 018 revoked tokens ready'; END $$;
