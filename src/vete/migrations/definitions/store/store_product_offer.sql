-- What the catalog sells of one product (issue 14: written once, for the engine's
-- vete.store_catalog and the fast path vete.store_cart_merge_fast).

CREATE OR REPLACE FUNCTION vete.store_product_offer(p_tenant_id text, p_product_id uuid)
    RETURNS TABLE (name text, price numeric, available int)
    LANGUAGE sql STABLE
    AS $$
        -- A product is sold when it is active and not deleted in this clinic; the units
        -- available are stock_quantity - reserved_quantity (none without an inventory
        -- row). Plain SQL with no SET clause, called in FROM (LATERAL) with plain
        -- arguments, so the planner inlines it: one primary-key probe per line (LIMIT 1;
        -- a join would let the planner scan the clinic's whole catalog). Every caller
        -- pins search_path to pg_catalog, public; the tables are schema-qualified.
        SELECT p.name, p.price,
               coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0)
        FROM public.store_products p
        LEFT JOIN public.store_inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
        WHERE p.tenant_id = p_tenant_id AND p.id = p_product_id
          AND p.is_active AND p.deleted_at IS NULL
        LIMIT 1
    $$;

COMMENT ON FUNCTION vete.store_product_offer(text, uuid) IS
    'Name, catalog price and units available of a product on sale in a clinic; no row when it is not sold there.';

REVOKE ALL ON FUNCTION vete.store_product_offer(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_product_offer(text, uuid) TO service_role;
