-- name: act_as(claims, role, statement_timeout, lock_timeout)^
-- Set the request's JWT claims and switch role, both local to the transaction
-- (set_config(..., true) is SET LOCAL; the role setting is SET LOCAL ROLE), and, when
-- given, bound its statements and lock waits: one round trip for all of it.
SELECT set_config('request.jwt.claims', :claims, true) AS claims,
       set_config('role', :role, true) AS role,
       set_config('statement_timeout',
                  coalesce(:statement_timeout, current_setting('statement_timeout')), true)
           AS statement_timeout,
       set_config('lock_timeout', coalesce(:lock_timeout, current_setting('lock_timeout')), true)
           AS lock_timeout,
       -- On Citus, the claims again as SET LOCAL, which Citus sends on to the workers
       -- where row-level security is applied (on one node: false, nothing done).
       vete.forward_claims_to_workers(:claims) AS forwarded;
