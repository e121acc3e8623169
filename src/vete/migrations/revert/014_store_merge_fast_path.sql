-- Functions and views now in definitions/ are left as they are: a definition file is their
-- one current source (docs/deploy.md, "Definitions").
-- Revert 014: the definitions 001 and 012 gave vete.session_role() and
-- vete.store_cart_write, exactly. The fast path stays (definitions/store/store_cart_merge_fast.sql).
CREATE OR REPLACE FUNCTION vete.session_role() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog
    AS $$
        -- The role the request runs as. Behind PostgREST (or vete's API) this is the role
        -- it switched to (SET LOCAL ROLE); a direct connection with no role switch and no
        -- claims is the platform itself (migrations, vete demo, operators) and counts as
        -- service_role. Claims never raise the privilege of a switched role.
        SELECT CASE
            WHEN current_setting('role') IN ('anon', 'authenticated', 'service_role')
                THEN current_setting('role')
            WHEN nullif(current_setting('request.jwt.claims', true), '') IS NOT NULL
                THEN coalesce(current_setting('request.jwt.claims', true)::jsonb ->> 'role', 'anon')
            ELSE 'service_role'
        END
    $$;

CREATE OR REPLACE FUNCTION vete.store_cart_write(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Every cart write that adds or changes lines: decide whose cart from the session,
    -- then run the merge engine on it.
    DECLARE
        v_who jsonb;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        RETURN vete.store_cart_apply(p_tenant_id, (v_who ->> 'customer_id')::uuid, p_items, p_policy);
    END
    $$;
COMMENT ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) IS
    'Identity check, then the merge engine: the body of merge_cart_atomic, add and set quantity.';

