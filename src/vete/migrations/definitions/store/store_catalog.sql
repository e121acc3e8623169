-- vete.store_catalog (first in 011; the body 015 gave it).
-- vete:requires store/store_line_id
-- vete:requires store/store_product_offer
-- vete:requires store/store_service_offer

CREATE OR REPLACE FUNCTION vete.store_catalog(p_tenant_id text, p_customer_id uuid, p_lines jsonb)
    RETURNS TABLE (ord bigint, line_id text, line_name text, line_price numeric, available int,
                   problem text)
    LANGUAGE sql STABLE
    AS $$
        -- What the catalog says about each line {id, type} of the JSON array p_lines, as row
        -- ord = its 1-based position: its canonical id (vete.store_line_id), name and price,
        -- units available (products only; NULL for services), or why it cannot be sold. A
        -- product must be active in this clinic; a service line's id is
        -- "serviceId-petId-variant" and names an active service of the clinic and a pet of
        -- this customer. Each probe is a function of its own (store_product_offer,
        -- store_service_offer): inlined here on one node, its own statement on Citus,
        -- where this query then reads no table itself (issue 15). One set-based query for
        -- all lines; plain SQL with no SET clause so the planner inlines it into the caller
        -- (every caller pins search_path to pg_catalog, public; tables here are
        -- schema-qualified). Inlining also needs plain arguments: pass a variable, not a
        -- subquery. Any JSON is safe here: the casts read canonical ids only.
        SELECT l.ord, l.line_id, coalesce(pr.name, sv.name), coalesce(pr.price, sv.base_price),
               pr.available,
               CASE l.type
                   WHEN 'product' THEN CASE WHEN pr.name IS NULL THEN 'PRODUCT_NOT_FOUND' END
                   WHEN 'service' THEN CASE WHEN l.line_id IS NULL THEN 'INVALID_ID'
                                            WHEN sv.name IS NULL THEN 'SERVICE_NOT_FOUND'
                                            WHEN NOT sv.pet_ok THEN 'PET_NOT_FOUND' END
                   ELSE 'INVALID_TYPE'
               END
        FROM (
            SELECT c.ord, c.type, c.line_id,
                   CASE WHEN c.type = 'product' THEN c.line_id::uuid END AS product_id,
                   CASE WHEN c.type = 'service' THEN left(c.line_id, 36)::uuid END AS service_id,
                   CASE WHEN c.type = 'service' THEN substr(c.line_id, 38, 36)::uuid END AS pet_id
            FROM (
                SELECT u.ord, u.type, vete.store_line_id(u.id, u.type) AS line_id
                FROM (
                    -- OFFSET 0 keeps these subqueries apart, so each line's JSON is read
                    -- once and its id canonicalised once, not once per reference or probe.
                    SELECT e.ord, e.line ->> 'type' AS type, e.line ->> 'id' AS id
                    FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e (line, ord)
                    OFFSET 0
                ) u
                OFFSET 0
            ) c
            OFFSET 0
        ) l
        -- LATERAL ... LIMIT 1: one primary-key probe per line, whatever the catalog's size
        -- (a join here would let the planner scan the clinic's whole catalog).
        LEFT JOIN LATERAL vete.store_product_offer(p_tenant_id, l.product_id) pr ON true
        LEFT JOIN LATERAL vete.store_service_offer(p_tenant_id, l.service_id, l.pet_id, p_customer_id) sv
            ON true
    $$;

COMMENT ON FUNCTION vete.store_catalog(text, uuid, jsonb) IS
    'Canonical id, catalog name, price and available units of each line of a JSON cart array, or the reason it cannot be sold.';

REVOKE ALL ON FUNCTION vete.store_catalog(text, uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_catalog(text, uuid, jsonb) TO service_role;
