-- 012: the public cart functions: merge_cart_atomic (the original's contract plus a
-- policy), get_cart and the edits add / set quantity / remove / clear.
-- vete:expect-notice vete 012 store cart functions ready
--
-- All are SECURITY DEFINER with an explicit search_path, take identity from the session
-- (vete.store_resolve_customer) and serialize on the cart row (vete.store_lock_cart), so
-- concurrent writers from several devices queue instead of overwriting each other.

-- The original's three-argument merge_cart_atomic may exist (a database that ran its
-- migration 090): a named call would then be ambiguous next to the new signature.
-- (A DO block rather than DROP ... IF EXISTS, whose "skipping" NOTICE would be noise
-- among the notices the deployer checks.)
DO $$
BEGIN
    IF to_regprocedure('public.merge_cart_atomic(uuid, text, jsonb)') IS NOT NULL THEN
        DROP FUNCTION public.merge_cart_atomic(uuid, text, jsonb);
    END IF;
END
$$;

CREATE FUNCTION vete.store_cart_write(
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

CREATE FUNCTION vete.store_cart_drop_lines(
    p_tenant_id text, p_customer_id uuid, p_item_id text, p_item_type text, p_all boolean
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Removes one line by (id, type), or every line when p_all. Removing a line that is not
    -- there is not an error (another device may have removed it first): removed:false.
    -- Unlike a merge it does not consult the catalog, so a withdrawn product's line can go.
    DECLARE
        v_who jsonb;
        v_cart public.store_carts;
        v_items jsonb;
        v_before int;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        IF NOT coalesce(p_all, false) AND (p_item_id IS NULL OR p_item_type IS NULL) THEN
            RETURN vete.store_error('INVALID_ITEMS', 'Falta el id o el tipo del artículo.');
        END IF;
        v_cart := vete.store_lock_cart(p_tenant_id, (v_who ->> 'customer_id')::uuid);
        SELECT coalesce(jsonb_agg(e.item ORDER BY e.pos), '[]'::jsonb) INTO v_items
          FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
         WHERE NOT coalesce(p_all, false)
           AND (e.item ->> 'id', e.item ->> 'type') IS DISTINCT FROM (p_item_id, p_item_type);
        v_before := jsonb_array_length(v_cart.items);
        UPDATE public.store_carts c
           SET items = v_items, version = c.version + 1, updated_at = now()
         WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id
        RETURNING * INTO v_cart;
        RETURN vete.store_cart_json(v_cart, jsonb_build_object(
            'removed', jsonb_array_length(v_items) < v_before, 'adjustments', '[]'::jsonb));
    END
    $$;
COMMENT ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) IS
    'Identity check, lock, then remove one line (id, type) or all lines: the body of remove and clear.';

CREATE FUNCTION public.merge_cart_atomic(
    p_customer_id uuid,
    p_tenant_id text,
    p_new_items jsonb,
    p_policy text DEFAULT 'max'
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- Login merge: fold a device's cart into the account cart. The original's named
    -- arguments and keys {success, items, item_count}, plus adjustments, totals and
    -- version. p_policy 'max' (default, as the original) or 'sum'. PL/pgSQL so that the
    -- hot path's plans are cached per session on PostgreSQL 15 as well.
    BEGIN
        IF coalesce(p_policy, 'max') NOT IN ('max', 'sum') THEN
            RETURN vete.store_error('INVALID_POLICY',
                format('Política de combinación desconocida: %s (use max o sum).', p_policy));
        END IF;
        RETURN vete.store_cart_write(p_tenant_id, p_customer_id, p_new_items,
                                     coalesce(p_policy, 'max'));
    END
    $$;
COMMENT ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) IS
    'Merges items into the customer''s cart atomically (row created, then locked); policy max or sum; '
    'prices from the catalog; clamps to stock, 100 per line, 50 lines. Returns {success, items, item_count, adjustments}.';

CREATE FUNCTION public.add_cart_item(p_tenant_id text, p_item jsonb, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_write(p_tenant_id, p_customer_id, jsonb_build_array(p_item), 'sum') $$;
COMMENT ON FUNCTION public.add_cart_item(text, jsonb, uuid) IS
    'Adds units of one line {id, type, quantity} to the caller''s cart (sum); concurrent adds all count.';

CREATE FUNCTION public.set_cart_item_quantity(
    p_tenant_id text, p_item_id text, p_item_type text, p_quantity int,
    p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
        SELECT vete.store_cart_write(p_tenant_id, p_customer_id,
            jsonb_build_array(jsonb_build_object('id', p_item_id, 'type', p_item_type,
                                                 'quantity', p_quantity)),
            'set')
    $$;
COMMENT ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid) IS
    'Sets the quantity of one line of the caller''s cart (0 removes it; a missing line is added).';

CREATE FUNCTION public.remove_cart_item(
    p_tenant_id text, p_item_id text, p_item_type text, p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_drop_lines(p_tenant_id, p_customer_id, p_item_id, p_item_type, false) $$;
COMMENT ON FUNCTION public.remove_cart_item(text, text, text, uuid) IS
    'Removes one line (id, type) from the caller''s cart; removing a missing line succeeds with removed:false.';

CREATE FUNCTION public.clear_cart(p_tenant_id text, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$ SELECT vete.store_cart_drop_lines(p_tenant_id, p_customer_id, NULL, NULL, true) $$;
COMMENT ON FUNCTION public.clear_cart(text, uuid) IS
    'Empties the caller''s cart in a clinic (the row stays, for later writers to lock).';

CREATE FUNCTION public.get_cart(p_tenant_id text, p_customer_id uuid DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- The caller's cart in a clinic (empty when there is none yet); writes nothing.
    DECLARE
        v_who jsonb;
        v_cart public.store_carts;
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = (v_who ->> 'customer_id')::uuid AND c.tenant_id = p_tenant_id;
        RETURN vete.store_cart_json(v_cart);
    END
    $$;
COMMENT ON FUNCTION public.get_cart(text, uuid) IS
    'The caller''s cart in a clinic: {success, items, item_count, total, version}.';

REVOKE EXECUTE ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vete.store_cart_write(text, uuid, jsonb, text) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_drop_lines(text, uuid, text, text, boolean) TO service_role;
REVOKE EXECUTE ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.get_cart(text, uuid) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.add_cart_item(text, jsonb, uuid) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.remove_cart_item(text, text, text, uuid) FROM PUBLIC, anon;
REVOKE EXECUTE ON FUNCTION public.clear_cart(text, uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.merge_cart_atomic(uuid, text, jsonb, text) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_cart(text, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.add_cart_item(text, jsonb, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.set_cart_item_quantity(text, text, text, int, uuid)
    TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.remove_cart_item(text, text, text, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.clear_cart(text, uuid) TO authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 012 store cart functions ready'; END $$;
