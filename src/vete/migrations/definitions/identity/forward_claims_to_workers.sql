-- vete.forward_claims_to_workers: the request's claims, sent on to the Citus workers
-- (issue 15; listed in vete.intended_grants by 022).
--
-- On a Citus coordinator, a read of a clinic's rows as anon or authenticated runs on the
-- worker holding the clinic, as that role, and the worker applies the table's row-level
-- security there. The policies ask auth.uid() and vete.session_role(), which read
-- request.jwt.claims, and a set_config() on the coordinator never reaches the worker:
-- Citus sends on only SET LOCAL statements, and only when citus.propagate_set_commands
-- is 'local'. vete's sessions (vete.session, the API's act_as_caller) call this after
-- setting the claims. On one node (no citus.* settings) it does nothing.
--
-- No SET clause, on purpose: a function's SET clause would undo the SET LOCAL below when
-- the function returns. Every name is schema-qualified instead. Executable by the
-- connecting role only (its owner): an API role that could call it would set its own claims.

CREATE OR REPLACE FUNCTION vete.forward_claims_to_workers(p_claims text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    IF p_claims IS NULL
       OR pg_catalog.current_setting('citus.propagate_set_commands', true) IS NULL THEN
        RETURN false;
    END IF;
    PERFORM pg_catalog.set_config('citus.propagate_set_commands', 'local', true);
    EXECUTE pg_catalog.format('SET LOCAL request.jwt.claims = %L', p_claims);
    RETURN true;
END
$$;

COMMENT ON FUNCTION vete.forward_claims_to_workers(text) IS
    'On Citus: SET LOCAL request.jwt.claims, sent on to the workers (row-level security is applied there). False and nothing done elsewhere.';

REVOKE ALL ON FUNCTION vete.forward_claims_to_workers(text) FROM PUBLIC, anon, authenticated, service_role;

-- PostgREST's form: its pre-request function (`db-pre-request =
-- "vete.forward_request_claims"`), which PostgREST calls as the request's role after
-- setting the claims from the verified JWT. It sends on the claims already set, nothing
-- else, so every API role may call it: calling it cannot change who the request is.
CREATE OR REPLACE FUNCTION vete.forward_request_claims() RETURNS void
    LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    IF nullif(pg_catalog.current_setting('request.jwt.claims', true), '') IS NULL
       OR pg_catalog.current_setting('citus.propagate_set_commands', true) IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_catalog.set_config('citus.propagate_set_commands', 'local', true);
    EXECUTE pg_catalog.format('SET LOCAL request.jwt.claims = %L',
                              pg_catalog.current_setting('request.jwt.claims', true));
END
$$;

COMMENT ON FUNCTION vete.forward_request_claims() IS
    'PostgREST''s pre-request on Citus: the claims it set, sent on to the workers. Nothing elsewhere.';
