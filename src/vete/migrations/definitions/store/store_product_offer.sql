-- What the catalog sells of one product (issue 14: written once, for the engine's
-- vete.store_catalog and the fast path vete.store_cart_merge_fast).
--
-- Two pricing rules, one per kind of database, chosen here from the catalog (issue 17):
-- * vete's own schema: a product belongs to one clinic and costs store_products.price;
-- * a database adopted from the original platform (it has the original's
--   clinic_product_assignments): the original's rule since its migration 083 — a product of
--   the clinic or a global one (tenant_id NULL) costs the clinic's active assignment's
--   sale_price, else coalesce(sale_price, base_price), which adopt keeps in
--   store_products.price (vete-adopt 007). Stock is the clinic's inventory row; the
--   original's numeric(12,2) units count whole (10.5 sells 10), its NULL reserved_quantity
--   as none reserved.
-- Both rules are plain SQL with no SET clause, called in FROM (LATERAL) with plain
-- arguments, so the planner inlines them: one primary-key probe per line (LIMIT 1; a join
-- would let the planner scan the clinic's whole catalog). Every caller pins search_path to
-- pg_catalog, public; the tables are schema-qualified. The rule cannot be one body: a SQL
-- function must name only tables that exist, and vete's schema has no assignments (nor
-- global products: tenant_id leads every key, so the schema distributes by clinic).
-- On a Citus coordinator the rule runs as PL/pgSQL instead (issue 15): Citus plans a
-- statement before PostgreSQL inlines its functions, so an inlined probe would read the
-- coordinator's empty shell tables; a PL/pgSQL query is its own statement, routed to the
-- worker holding the clinic.

DO $do$
DECLARE
    v_body text;
    v_language text := 'sql';
BEGIN
    IF to_regclass('public.clinic_product_assignments') IS NULL THEN
        v_body := $body$
                -- vete's schema: a product is sold when it is active and not deleted in this
                -- clinic; the units available are stock_quantity - reserved_quantity (none
                -- without an inventory row).
                SELECT p.name, p.price,
                       coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0)
                FROM public.store_products p
                LEFT JOIN public.store_inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
                WHERE p.tenant_id = p_tenant_id AND p.id = p_product_id
                  AND p.is_active AND p.deleted_at IS NULL
                LIMIT 1
            $body$;
    ELSE
        v_body := $body$
                -- An adopted database: the original's prices (its migration 083). A product
                -- of this clinic, or a global one (tenant_id NULL), active and not deleted,
                -- costs this clinic's active assignment's sale_price, else its own
                -- coalesce(sale_price, base_price) (= price, kept by vete-adopt 007's
                -- trigger). Units: this clinic's inventory row, whole units only.
                SELECT p.name, coalesce(a.sale_price, p.price),
                       floor(greatest(i.stock_quantity - coalesce(i.reserved_quantity, 0), 0))::int
                FROM public.store_products p
                LEFT JOIN public.clinic_product_assignments a
                       ON a.tenant_id = p_tenant_id AND a.catalog_product_id = p.id AND a.is_active
                LEFT JOIN public.store_inventory i ON i.tenant_id = p_tenant_id AND i.product_id = p.id
                WHERE p.id = p_product_id AND (p.tenant_id = p_tenant_id OR p.tenant_id IS NULL)
                  AND p.is_active AND p.deleted_at IS NULL
                LIMIT 1
            $body$;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        v_body := format('BEGIN RETURN QUERY %s; END', v_body);
        v_language := 'plpgsql';
    END IF;
    EXECUTE format($fn$
        CREATE OR REPLACE FUNCTION vete.store_product_offer(p_tenant_id text, p_product_id uuid)
            RETURNS TABLE (name text, price numeric, available int)
            LANGUAGE %s STABLE
            AS %L
        $fn$, v_language, v_body);
END
$do$;

COMMENT ON FUNCTION vete.store_product_offer(text, uuid) IS
    'Name, catalog price and units available of a product on sale in a clinic; no row when it is not sold there.';

REVOKE ALL ON FUNCTION vete.store_product_offer(text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_product_offer(text, uuid) TO service_role;
