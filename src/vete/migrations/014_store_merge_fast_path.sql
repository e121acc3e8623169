-- 014: a fast path for the common cart write, and vete.session_role() made inlinable.
-- vete:expect-notice vete 014 store merge fast path ready
-- vete:valid-checksum c79e2a2a147b73fbc9a6a2efa960600ec0238ff811db29cd4ec41a90af2acd20
--   (the text as applied before its functions, views and policies moved to
--   definitions/, docs/deploy.md "Definitions"; they are applied before this file:)
-- vete:requires store/store_cart_merge_fast
--
-- A merge used to cost ~3.5x the server CPU of a plain upsert of the same JSON: the one
-- statement of vete.store_cart_apply that validates, looks up the catalog and folds old
-- and new lines has some forty plan nodes to start on every call (docs/store.md,
-- "Benchmark"). Most writes are the plain case: a cart that exists, product lines that
-- are well formed and on sale, at most one line per id on each side. For those,
-- vete.store_cart_merge_fast does the same fold with a smaller statement and answers
-- exactly what the engine would; for anything else (a new cart, a bad item, a service
-- line, an unavailable product, a repeated line, more than 50 lines) it answers NULL and
-- vete.store_cart_write hands the call to the unchanged engine, which gives the detailed
-- errors and adjustments. tests/store/test_merge_fast_path.py compares the two.

-- The role the request runs as, as 001 defined it: behind PostgREST (or vete's API) the
-- role it switched to (SET LOCAL ROLE); a direct connection with no role switch and no
-- claims is the platform itself (migrations, vete demo, operators) and counts as
-- service_role; claims never raise the privilege of a switched role. Now with an
-- SQL-standard body (RETURN) and no SET clause: its names are bound when the function is
-- created, not looked up in the caller's search_path, so it is safe without SET, and the
-- planner inlines it. With the SET clause it could not be inlined, and PostgreSQL 15
-- (which caches no plans of SQL functions) planned it again on every call: ~30 us of
-- every call that checks identity.
CREATE OR REPLACE FUNCTION vete.session_role() RETURNS text
    LANGUAGE sql STABLE
    RETURN CASE
        WHEN current_setting('role') IN ('anon', 'authenticated', 'service_role')
            THEN current_setting('role')
        WHEN nullif(current_setting('request.jwt.claims', true), '') IS NOT NULL
            THEN coalesce(current_setting('request.jwt.claims', true)::jsonb ->> 'role', 'anon')
        ELSE 'service_role'
    END;

CREATE OR REPLACE FUNCTION vete.store_cart_write(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Every cart write that adds or changes lines: decide whose cart from the session,
    -- then the fast path, or the merge engine when the fast path declines (NULL).
    DECLARE
        v_who jsonb;
        v_customer uuid;
        v_result jsonb;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        v_customer := (v_who ->> 'customer_id')::uuid;
        v_result := vete.store_cart_merge_fast(p_tenant_id, v_customer, p_items, p_policy);
        IF v_result IS NOT NULL THEN
            RETURN v_result;
        END IF;
        RETURN vete.store_cart_apply(p_tenant_id, v_customer, p_items, p_policy);
    END
    $$;
COMMENT ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) IS
    'Identity check, then the fast path or the merge engine: the body of merge_cart_atomic, add and set quantity.';

DO $$ BEGIN RAISE NOTICE 'vete 014 store merge fast path ready'; END $$;
