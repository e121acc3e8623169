-- 015: the store's part of the security audit (issue 13): one canonical id per product,
-- checkout counting units per product, cart lines of known keys only, and the stock of
-- withdrawn products no longer public.
-- vete:expect-notice vete 015 store hardening ready
-- vete:valid-checksum 97eaf9bfd56d3ccac4d77b96565ad4171fa59ab19ae97db1d0e9cda42df767d6
--   (the text as applied before its functions, views and policies moved to
--   definitions/, docs/deploy.md "Definitions"; they are applied before this file:)
-- vete:requires store/store_parse_uuid
-- vete:requires store/store_line_id
-- vete:requires store/store_cart_merge_fast
-- vete:requires store/store_inventory_policies
--
-- Overselling through case variants. PostgreSQL reads a uuid in upper case, in braces,
-- without hyphens or with a hyphen after any four digits, and store_catalog took "…c5b"
-- and "…C5B" as the same product; but the merge grouped lines by the id's raw text, so
-- the variants became separate lines, each clamped to the whole stock, and checkout
-- compared stock per line and decremented it through an UPDATE … FROM that applies one of
-- several source rows: stock 5 sold 20. Now every id is canonical (vete.store_line_id)
-- before it is grouped, stored or compared, in the engine, the fast path (which takes
-- only ids already canonical and leaves the rest to the engine), removal and checkout;
-- and checkout sums the units of each product over its lines, so even a cart row written
-- around the functions (or before this migration) with a product twice cannot oversell.
--
-- Unbounded client data. A cart line is {id, type, name, price, quantity}, the original's
-- contract; any other key the client sent was stored as sent (30 MB was). Every write now
-- stores exactly those five keys. The texts stored as sent are bounded: a line's id (1 to
-- 200 characters, else INVALID_ID) and checkout's idempotency key (1 to 200, else
-- INVALID_INPUT); name and price come from the catalog.
--
-- Stock of withdrawn products. store_inventory was readable by anon and every signed-in
-- user whole (USING (true)); now, like store_products, only the rows of products on sale,
-- and all of them for the clinic's staff.

-- store_catalog also answers each line's canonical id: a new output column, so the
-- function is dropped and created again (nothing depends on it in the catalog: its
-- callers' bodies are text).
DROP FUNCTION vete.store_catalog(text, uuid, jsonb);
CREATE FUNCTION vete.store_catalog(p_tenant_id text, p_customer_id uuid, p_lines jsonb)
    RETURNS TABLE (ord bigint, line_id text, line_name text, line_price numeric, available int,
                   problem text)
    LANGUAGE sql STABLE
    AS $$
        -- What the catalog says about each line {id, type} of the JSON array p_lines, as row
        -- ord = its 1-based position: its canonical id (vete.store_line_id), name and price,
        -- units available (products only; NULL for services), or why it cannot be sold. A
        -- product must be active in this clinic; a service line's id is
        -- "serviceId-petId-variant" and names an active service of the clinic and a pet of
        -- this customer. One set-based query for all lines; plain SQL with no SET clause
        -- so the planner inlines it into the caller (every caller pins search_path to
        -- pg_catalog, public; tables here are schema-qualified). Inlining also needs plain
        -- arguments: pass a variable, not a subquery. Any JSON is safe here: the casts
        -- read canonical ids only.
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
        LEFT JOIN LATERAL (
            SELECT p.name, p.price,
                   coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0) AS available
            FROM public.store_products p
            LEFT JOIN public.store_inventory i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
            WHERE p.tenant_id = p_tenant_id AND p.id = l.product_id
              AND p.is_active AND p.deleted_at IS NULL
            LIMIT 1
        ) pr ON true
        LEFT JOIN LATERAL (
            SELECT s.name, s.base_price, EXISTS (
                       SELECT 1 FROM public.pets pt
                       WHERE pt.tenant_id = p_tenant_id AND pt.id = l.pet_id
                         AND pt.owner_id = p_customer_id AND pt.deleted_at IS NULL) AS pet_ok
            FROM public.services s
            WHERE s.tenant_id = p_tenant_id AND s.id = l.service_id
              AND s.is_active AND s.deleted_at IS NULL
            LIMIT 1
        ) sv ON true
    $$;
COMMENT ON FUNCTION vete.store_catalog(text, uuid, jsonb) IS
    'Canonical id, catalog name, price and available units of each line of a JSON cart array, or the reason it cannot be sold.';

CREATE OR REPLACE FUNCTION vete.store_cart_apply(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The one merge engine behind merge_cart_atomic and the cart edits. It folds the
    -- client's lines into the cart's by (canonical id, type) with the policy
    --   max: keep the larger quantity (the original's rule)   sum: add them
    --   set: the new quantity replaces the old one (0 removes the line)
    -- then re-prices every line from the catalog and clamps it to the units available, to
    -- 100 per line and to 50 lines; every line that ends up different from what the policy
    -- alone gives is reported under adjustments. A stored line is exactly {id, type, name,
    -- price, quantity}, its id canonical: other keys the client sent are not kept, and
    -- spellings of one uuid are one line. Validation and merge are one statement over the
    -- old and new lines together (one catalog lookup); when any new item is bad it
    -- returns the error and writes nothing, not even a new cart row.
    --
    -- Locking (the original lost items here): the cart row, when it exists, is locked
    -- before its lines are read. When it does not, the merged lines are inserted with
    -- INSERT ... ON CONFLICT DO NOTHING, which waits for a concurrent first writer; if that
    -- one won, its row is locked and the merge is done again on top of its lines.
    DECLARE
        v_cart public.store_carts;
        v_exists boolean;
        v_old_count int;
        v_all jsonb;
        v_bad jsonb;
        v_shape_bad boolean;
        v_items jsonb;
        v_adjustments jsonb;
        v_total_quantity int;
        v_total numeric;
    BEGIN
        IF p_policy IS NULL OR p_policy NOT IN ('max', 'sum', 'set') THEN
            RETURN vete.store_error('INVALID_POLICY',
                format('Política de combinación desconocida: %s (use max o sum).', coalesce(p_policy, 'NULL')));
        END IF;
        IF p_tenant_id IS NULL OR p_customer_id IS NULL THEN
            RETURN vete.store_error('INVALID_INPUT', 'Faltan la clínica o el cliente.');
        END IF;
        IF p_items IS NULL OR jsonb_typeof(p_items) <> 'array' THEN
            RETURN vete.store_error('INVALID_ITEMS', 'Los artículos deben ser un arreglo JSON.',
                jsonb_build_object('invalid_items', '[]'::jsonb));
        END IF;
        IF jsonb_array_length(p_items) > 50 THEN
            RETURN vete.store_error('TOO_MANY_ITEMS',
                format('Máximo 50 líneas por carrito; se recibieron %s.', jsonb_array_length(p_items)),
                jsonb_build_object('invalid_items', (
                    SELECT jsonb_agg(jsonb_build_object(
                        'index', e.pos - 1, 'id', e.item -> 'id', 'type', e.item -> 'type',
                        'reason', 'LINE_LIMIT') ORDER BY e.pos)
                    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e (item, pos)
                    WHERE e.pos > 50)));
        END IF;

        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
           FOR UPDATE;
        v_exists := FOUND;
        LOOP
            v_old_count := jsonb_array_length(coalesce(v_cart.items, '[]'::jsonb));
            -- Old lines first (positions 1..v_old_count), then the new ones.
            v_all := coalesce(v_cart.items, '[]'::jsonb) || p_items;

            WITH shaped AS (
                SELECT e.pos, e.item, e.pos > v_old_count AS is_new,
                       CASE
                           WHEN e.pos <= v_old_count THEN NULL  -- stored lines are ours
                           WHEN jsonb_typeof(e.item) <> 'object' THEN 'NOT_AN_OBJECT'
                           WHEN e.item -> 'id' IS NULL OR e.item -> 'id' = 'null'::jsonb
                               THEN 'MISSING_ID'
                           WHEN jsonb_typeof(e.item -> 'id') <> 'string'
                                OR length(e.item ->> 'id') NOT BETWEEN 1 AND 200 THEN 'INVALID_ID'
                           WHEN e.item -> 'type' IS NULL OR e.item -> 'type' = 'null'::jsonb
                               THEN 'MISSING_TYPE'
                           WHEN coalesce(e.item ->> 'type', '') NOT IN ('product', 'service')
                               THEN 'INVALID_TYPE'
                           WHEN jsonb_typeof(e.item -> 'quantity') IS DISTINCT FROM 'number'
                               THEN 'INVALID_QUANTITY'
                           -- A separate branch: CASE, unlike OR, guarantees the casts
                           -- below only ever see a JSON number.
                           WHEN (e.item ->> 'quantity')::numeric
                                    <> trunc((e.item ->> 'quantity')::numeric)
                                OR (e.item ->> 'quantity')::numeric
                                    NOT BETWEEN CASE WHEN p_policy = 'set' THEN 0 ELSE 1 END AND 100
                               THEN 'INVALID_QUANTITY'
                       END AS shape,
                       c.line_id, c.line_name, c.line_price, c.available, c.problem
                FROM jsonb_array_elements(v_all) WITH ORDINALITY AS e (item, pos)
                JOIN vete.store_catalog(p_tenant_id, p_customer_id, v_all) c ON c.ord = e.pos
            ), lines AS (
                SELECT s.*,
                       CASE
                           WHEN s.is_new AND s.shape IS NULL
                               THEN (s.item ->> 'quantity')::numeric::int
                           WHEN s.is_new THEN NULL
                           WHEN jsonb_typeof(s.item -> 'quantity') = 'number'
                               THEN greatest(1, least(100, floor((s.item ->> 'quantity')::numeric)))::int
                           ELSE 1
                       END AS qty
                FROM shaped s
            ), folded AS (
                -- One group per product or service line, however its id was spelled; a
                -- malformed id (refused, or a stored line dropped) groups by its text.
                SELECT coalesce(l.line_id, l.item ->> 'id') AS id, l.item ->> 'type' AS type,
                       min(l.pos) AS k,
                       min(l.qty) FILTER (WHERE NOT l.is_new) AS old_qty,
                       CASE p_policy
                           WHEN 'sum' THEN sum(l.qty) FILTER (WHERE l.is_new)
                           WHEN 'set' THEN (array_agg(l.qty ORDER BY l.pos DESC) FILTER (WHERE l.is_new))[1]
                           ELSE max(l.qty) FILTER (WHERE l.is_new)
                       END::int AS new_qty,
                       (array_agg(l.item) FILTER (WHERE NOT l.is_new))[1] AS old_item,
                       (array_agg(l.item ORDER BY l.pos DESC) FILTER (WHERE l.is_new))[1] AS new_item,
                       min(l.line_name) AS line_name, min(l.line_price) AS line_price,
                       min(l.available) AS available, min(l.problem) AS problem
                FROM lines l
                GROUP BY 1, 2
            ), priced AS (
                SELECT f.*, coalesce(f.new_item, f.old_item) -> 'price' AS shown_price,
                       CASE
                           WHEN f.new_qty IS NULL THEN f.old_qty
                           WHEN f.old_qty IS NULL THEN f.new_qty
                           WHEN p_policy = 'sum' THEN f.old_qty + f.new_qty
                           WHEN p_policy = 'set' THEN f.new_qty
                           ELSE greatest(f.old_qty, f.new_qty)
                       END AS requested
                FROM folded f
            ), clamped AS (
                SELECT p.*,
                       CASE WHEN p.problem IS NULL
                            THEN least(p.requested, 100, coalesce(p.available, 100)) ELSE 0 END AS qty
                FROM priced p
            ), judged AS (
                SELECT r.*,
                       r.qty > 0 AND r.line_rank <= 50 AS kept,
                       array_remove(ARRAY[
                           CASE WHEN r.problem IS NOT NULL THEN 'UNAVAILABLE' END,
                           CASE WHEN r.problem IS NULL AND r.requested > 0 AND r.available = 0
                                THEN 'OUT_OF_STOCK' END,
                           CASE WHEN r.qty > 0 AND r.qty < r.requested AND r.qty = r.available
                                THEN 'STOCK_LIMIT' END,
                           CASE WHEN r.qty > 0 AND r.qty < r.requested AND r.qty = 100
                                     AND r.qty IS DISTINCT FROM r.available
                                THEN 'LINE_MAX' END,
                           CASE WHEN r.qty > 0 AND r.line_rank > 50 THEN 'CART_LINE_LIMIT' END,
                           CASE WHEN r.problem IS NOT NULL OR r.shown_price IS NULL THEN NULL
                                WHEN jsonb_typeof(r.shown_price) <> 'number' THEN 'PRICE_FROM_CATALOG'
                                WHEN (r.shown_price #>> '{}')::numeric <> r.line_price
                                    THEN 'PRICE_FROM_CATALOG' END
                       ], NULL) AS reasons
                FROM (SELECT c.*, row_number() OVER (PARTITION BY c.qty > 0 ORDER BY c.k) AS line_rank
                      FROM clamped c) r
            )
            SELECT
                (SELECT jsonb_agg(jsonb_build_object(
                            'index', l.pos - v_old_count - 1, 'id', l.item -> 'id',
                            'type', l.item -> 'type', 'reason', coalesce(l.shape, l.problem))
                            ORDER BY l.pos)
                   FROM lines l WHERE l.is_new AND coalesce(l.shape, l.problem) IS NOT NULL),
                (SELECT bool_or(coalesce(l.shape, l.problem) IN ('NOT_AN_OBJECT', 'MISSING_ID',
                            'INVALID_ID', 'MISSING_TYPE', 'INVALID_TYPE', 'INVALID_QUANTITY'))
                   FROM lines l WHERE l.is_new),
                coalesce(jsonb_agg(
                    jsonb_build_object('id', j.id, 'type', j.type, 'name', j.line_name,
                                       'price', j.line_price, 'quantity', j.qty)
                    ORDER BY j.k) FILTER (WHERE j.kept), '[]'::jsonb),
                coalesce(jsonb_agg(jsonb_build_object(
                    'id', j.id, 'type', j.type, 'requested_quantity', j.requested,
                    'quantity', CASE WHEN j.kept THEN j.qty ELSE 0 END,
                    'client_price', j.shown_price, 'price', j.line_price,
                    'reasons', to_jsonb(j.reasons))
                    ORDER BY j.k) FILTER (WHERE cardinality(j.reasons) > 0), '[]'::jsonb),
                coalesce(sum(j.qty) FILTER (WHERE j.kept), 0)::int,
                coalesce(sum(j.qty * j.line_price) FILTER (WHERE j.kept), 0)
              INTO v_bad, v_shape_bad, v_items, v_adjustments, v_total_quantity, v_total
              FROM judged j;

            IF v_bad IS NOT NULL THEN
                IF v_shape_bad THEN
                    RETURN vete.store_error('INVALID_ITEMS',
                        format('%s artículo(s) mal formado(s) o con cantidad inválida.',
                               jsonb_array_length(v_bad)),
                        jsonb_build_object('invalid_items', v_bad));
                END IF;
                RETURN vete.store_error('ITEM_NOT_FOUND',
                    format('%s artículo(s) no disponible(s) en esta clínica.', jsonb_array_length(v_bad)),
                    jsonb_build_object('invalid_items', v_bad));
            END IF;

            IF v_exists THEN
                UPDATE public.store_carts c
                   SET items = v_items, version = c.version + 1, updated_at = now()
                 WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id
                RETURNING * INTO v_cart;
                EXIT;
            END IF;
            INSERT INTO public.store_carts (tenant_id, customer_id, items, version)
            VALUES (p_tenant_id, p_customer_id, v_items, 1)
            ON CONFLICT (customer_id, tenant_id) DO NOTHING
            RETURNING * INTO v_cart;
            EXIT WHEN FOUND;
            -- Another device created this cart first: lock its row and merge onto it.
            SELECT * INTO STRICT v_cart FROM public.store_carts c
             WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
               FOR UPDATE;
            v_exists := true;
        END LOOP;

        RETURN jsonb_build_object(
            'success', true,
            'items', v_cart.items,
            'item_count', jsonb_array_length(v_cart.items),
            'total_quantity', v_total_quantity,
            'total', v_total,
            'cart_id', v_cart.id,
            'version', v_cart.version,
            'adjustments', v_adjustments,
            'policy', p_policy);
    END
    $$;
COMMENT ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) IS
    'Merge engine: lock the cart (or create it race-free), validate and fold lines by (canonical id, type) with max/sum/set, '
    're-price, clamp, store the five known keys, report adjustments.';

CREATE OR REPLACE FUNCTION vete.store_cart_drop_lines(
    p_tenant_id text, p_customer_id uuid, p_item_id text, p_item_type text, p_all boolean
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- Removes one line by (id, type), or every line when p_all; ids are compared in their
    -- canonical spelling (vete.store_line_id), so "…C5B" removes the line of "…c5b".
    -- Removing a line that is not there is not an error (another device may have removed
    -- it first): removed:false. Unlike a merge it does not consult the catalog, so a
    -- withdrawn product's line can go. The lines left are written back as a merge writes
    -- them: canonical ids, the known keys only (a row written before 015 may hold others).
    DECLARE
        v_who jsonb;
        v_cart public.store_carts;
        v_target text;
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
        v_target := coalesce(vete.store_line_id(p_item_id, p_item_type), p_item_id);
        v_cart := vete.store_lock_cart(p_tenant_id, (v_who ->> 'customer_id')::uuid);
        SELECT coalesce(jsonb_agg(
                   CASE WHEN jsonb_typeof(k.item) = 'object'
                        THEN jsonb_strip_nulls(jsonb_build_object(
                                 'id', coalesce(to_jsonb(k.line_id), k.item -> 'id'),
                                 'type', k.item -> 'type', 'name', k.item -> 'name',
                                 'price', k.item -> 'price', 'quantity', k.item -> 'quantity'))
                        ELSE k.item END
                   ORDER BY k.pos), '[]'::jsonb)
          INTO v_items
          FROM (SELECT e.item, e.pos,
                       vete.store_line_id(e.item ->> 'id', e.item ->> 'type') AS line_id
                  FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
                OFFSET 0) k
         WHERE NOT coalesce(p_all, false)
           AND (coalesce(k.line_id, k.item ->> 'id'), k.item ->> 'type')
               IS DISTINCT FROM (v_target, p_item_type);
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
    'Identity check, lock, then remove one line (canonical id, type) or all lines: the body of remove and clear.';

CREATE OR REPLACE FUNCTION public.checkout_cart(
    p_tenant_id text, p_idempotency_key text, p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- Places an order from the caller's cart. The same key returns the same order
    -- (replayed:true) and changes nothing. Business outcomes: CART_EMPTY, INVALID_ITEMS (a
    -- stored line whose quantity is not an integer 1..100: a row written around the
    -- functions), ITEM_NOT_FOUND (a line can no longer be sold), OUT_OF_STOCK (listing
    -- each short product with what is available); on any of them nothing is written.
    -- Stock is compared and decremented per product, its units summed over every line
    -- that names it in any spelling: a cart holding one product twice cannot oversell.
    DECLARE
        v_who jsonb;
        v_customer uuid;
        v_cart public.store_carts;
        v_order_id uuid;
        v_lines jsonb;
        v_bad jsonb;
        v_total numeric;
        v_products uuid[];
        v_units int[];
        v_first_lines int[];
    BEGIN
        v_who := vete.store_resolve_customer(p_tenant_id, p_customer_id);
        IF v_who ? 'error' THEN
            RETURN v_who;
        END IF;
        v_customer := (v_who ->> 'customer_id')::uuid;
        IF p_idempotency_key IS NULL OR length(p_idempotency_key) NOT BETWEEN 1 AND 200 THEN
            RETURN vete.store_error('INVALID_INPUT',
                'Falta la clave de idempotencia (1 a 200 caracteres).');
        END IF;

        v_cart := vete.store_lock_cart(p_tenant_id, v_customer);

        SELECT o.id INTO v_order_id FROM public.store_orders o
         WHERE o.tenant_id = p_tenant_id AND o.customer_id = v_customer
           AND o.idempotency_key = p_idempotency_key;
        IF FOUND THEN
            RETURN vete.store_order_json(p_tenant_id, v_order_id, true);
        END IF;
        IF jsonb_array_length(v_cart.items) = 0 THEN
            RETURN vete.store_error('CART_EMPTY', 'El carrito está vacío.');
        END IF;

        -- Re-price every line from the catalog (the cart's stored prices are not trusted),
        -- under its canonical id. A quantity is what a write stores, an integer 1..100;
        -- anything else is refused, not guessed at.
        SELECT jsonb_agg(jsonb_build_object(
                   'line_no', e.pos, 'id', coalesce(c.line_id, e.item ->> 'id'),
                   'type', e.item ->> 'type',
                   'quantity', CASE
                       WHEN jsonb_typeof(e.item -> 'quantity') IS DISTINCT FROM 'number' THEN NULL
                       -- a separate branch, so the casts only see a number
                       WHEN (e.item ->> 'quantity')::numeric BETWEEN 1 AND 100
                            AND (e.item ->> 'quantity')::numeric = trunc((e.item ->> 'quantity')::numeric)
                           THEN (e.item ->> 'quantity')::numeric::int
                   END,
                   'name', c.line_name, 'price', c.line_price, 'problem', c.problem)
                   ORDER BY e.pos)
          INTO v_lines
          FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
          JOIN vete.store_catalog(p_tenant_id, v_customer, v_cart.items) c ON c.ord = e.pos;
        SELECT jsonb_agg(jsonb_build_object('index', (l ->> 'line_no')::int - 1, 'id', l -> 'id',
                                            'type', l -> 'type', 'reason', 'INVALID_QUANTITY'))
          INTO v_bad
          FROM jsonb_array_elements(v_lines) l
         WHERE l -> 'quantity' = 'null'::jsonb;
        IF v_bad IS NOT NULL THEN
            RETURN vete.store_error('INVALID_ITEMS',
                format('%s artículo(s) del carrito con cantidad inválida.', jsonb_array_length(v_bad)),
                jsonb_build_object('invalid_items', v_bad));
        END IF;
        SELECT jsonb_agg(jsonb_build_object('index', (l ->> 'line_no')::int - 1, 'id', l -> 'id',
                                            'type', l -> 'type', 'reason', l -> 'problem'))
          INTO v_bad
          FROM jsonb_array_elements(v_lines) l
         WHERE l ->> 'problem' IS NOT NULL;
        IF v_bad IS NOT NULL THEN
            RETURN vete.store_error('ITEM_NOT_FOUND',
                format('%s artículo(s) del carrito ya no están disponibles.', jsonb_array_length(v_bad)),
                jsonb_build_object('invalid_items', v_bad));
        END IF;

        -- Units per product (every product line is on sale now, its id canonical).
        SELECT array_agg(w.product_id ORDER BY w.product_id),
               array_agg(w.units ORDER BY w.product_id),
               array_agg(w.first_line ORDER BY w.product_id)
          INTO v_products, v_units, v_first_lines
          FROM (SELECT (l ->> 'id')::uuid AS product_id, sum((l ->> 'quantity')::int)::int AS units,
                       min((l ->> 'line_no')::int) AS first_line
                  FROM jsonb_array_elements(v_lines) l
                 WHERE l ->> 'type' = 'product'
                 GROUP BY 1) w;

        -- Lock the stock of every product bought, in product-id order, then compare.
        PERFORM 1 FROM public.store_inventory i
         WHERE i.tenant_id = p_tenant_id AND i.product_id = ANY (v_products)
         ORDER BY i.product_id
           FOR UPDATE;
        SELECT jsonb_agg(jsonb_build_object(
                   'index', w.first_line - 1, 'id', w.product_id, 'type', 'product',
                   'reason', 'OUT_OF_STOCK', 'requested', w.units,
                   'available', coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0))
                   ORDER BY w.first_line)
          INTO v_bad
          FROM unnest(v_products, v_units, v_first_lines) AS w (product_id, units, first_line)
          LEFT JOIN public.store_inventory i
            ON i.tenant_id = p_tenant_id AND i.product_id = w.product_id
         WHERE w.units > coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0);
        IF v_bad IS NOT NULL THEN
            RETURN vete.store_error('OUT_OF_STOCK',
                format('Stock insuficiente para %s artículo(s).', jsonb_array_length(v_bad)),
                jsonb_build_object('invalid_items', v_bad));
        END IF;

        -- One source row per inventory row: the product's units, summed above.
        UPDATE public.store_inventory i
           SET stock_quantity = i.stock_quantity - w.units, updated_at = now()
          FROM unnest(v_products, v_units) AS w (product_id, units)
         WHERE i.tenant_id = p_tenant_id AND i.product_id = w.product_id;

        SELECT sum((l ->> 'price')::numeric * (l ->> 'quantity')::int) INTO v_total
          FROM jsonb_array_elements(v_lines) l;
        INSERT INTO public.store_orders (tenant_id, customer_id, idempotency_key, total, item_count)
        VALUES (p_tenant_id, v_customer, p_idempotency_key, v_total, jsonb_array_length(v_lines))
        RETURNING id INTO v_order_id;
        INSERT INTO public.store_order_items (
            tenant_id, order_id, line_no, item_type, item_id, product_id, service_id, pet_id,
            name, unit_price, quantity, line_total)
        SELECT p_tenant_id, v_order_id, (l ->> 'line_no')::int, l ->> 'type', l ->> 'id',
               CASE WHEN l ->> 'type' = 'product' THEN (l ->> 'id')::uuid END,
               CASE WHEN l ->> 'type' = 'service' THEN left(l ->> 'id', 36)::uuid END,
               CASE WHEN l ->> 'type' = 'service' THEN substr(l ->> 'id', 38, 36)::uuid END,
               l ->> 'name', (l ->> 'price')::numeric, (l ->> 'quantity')::int,
               (l ->> 'price')::numeric * (l ->> 'quantity')::int
          FROM jsonb_array_elements(v_lines) l;

        UPDATE public.store_carts c
           SET items = '[]'::jsonb, version = c.version + 1, updated_at = now()
         WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id;

        RETURN vete.store_order_json(p_tenant_id, v_order_id, false);
    END
    $$;
COMMENT ON FUNCTION public.checkout_cart(text, text, uuid) IS
    'Places an order from the caller''s cart: re-prices, decrements stock per product (never below zero), empties the cart; idempotent by key.';

-- The stock of products on sale is public (the shop shows it); a withdrawn product's is
-- the clinic's staff's, like the product row itself (store_products_public_read).
DROP POLICY store_inventory_public_read ON public.store_inventory;
REVOKE ALL ON FUNCTION vete.store_catalog(text, uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_catalog(text, uuid, jsonb) TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 015 store hardening ready'; END $$;
