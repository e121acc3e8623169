-- Signed-out tokens (vete.revoked_tokens, migration 018). Both run as the role vete's
-- server connects with, before any SET ROLE: no client role may read or write the list.

-- name: act_as_caller(token_sha256, claims, role, statement_timeout, lock_timeout)$
-- vete.session's act_as (src/vete/session.sql) for one HTTP request, and in the same round
-- trip whether the request's token was signed out: true when it is listed (a request
-- without a token passes NULL, which matches nothing). One statement, because each round
-- trip is a measurable share of a request here (docs/api.md, "Benchmark"). The list is
-- read as the connecting role: privileges are checked when the statement starts, before
-- set_config('role', ...) switches role for the statements after it.
SELECT EXISTS (SELECT 1 FROM vete.revoked_tokens r WHERE r.token_sha256 = :token_sha256)
           AS revoked,
       set_config('request.jwt.claims', :claims, true) AS claims,
       set_config('role', :role, true) AS role,
       set_config('statement_timeout',
                  coalesce(:statement_timeout, current_setting('statement_timeout')), true)
           AS statement_timeout,
       set_config('lock_timeout', coalesce(:lock_timeout, current_setting('lock_timeout')), true)
           AS lock_timeout,
       -- On Citus, the claims again as SET LOCAL, which Citus sends on to the workers
       -- where row-level security is applied (on one node: false, nothing done).
       vete.forward_claims_to_workers(:claims) AS forwarded;

-- name: revoke_token(token_sha256, expires_at)$
-- Sign a token out until it expires, and let go of the rows of tokens past expiry (a
-- minute after, beyond the verifier's leeway on exp). Answers 1, or 0 when it was already.
WITH pruned AS (
    DELETE FROM vete.revoked_tokens WHERE expires_at < now() - interval '1 minute'
), revoked AS (
    INSERT INTO vete.revoked_tokens (token_sha256, expires_at)
    VALUES (:token_sha256, :expires_at)
    ON CONFLICT (token_sha256) DO NOTHING
    RETURNING 1
)
SELECT count(*) AS revoked FROM revoked;
