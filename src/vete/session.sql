-- name: act_as(claims, role)^
-- Set the request's JWT claims and switch role, both local to the transaction
-- (set_config(..., true) is SET LOCAL; the role setting is SET LOCAL ROLE).
SELECT set_config('request.jwt.claims', :claims, true) AS claims,
       set_config('role', :role, true) AS role;
