-- Functions and views now in definitions/ are left as they are: a definition file is their
-- one current source (docs/deploy.md, "Definitions").
-- Revert 015: the definitions 011-014 gave the store's functions, exactly, the public
-- stock policy of 010, and the two id helpers dropped. Carts and orders written under 015
-- stay as they are (their ids canonical, their lines of the five known keys), which the
-- earlier definitions read as before.
DROP POLICY store_inventory_on_sale_or_staff ON public.store_inventory;
CREATE POLICY store_inventory_public_read ON public.store_inventory FOR SELECT TO anon, authenticated
    USING (true);

CREATE OR REPLACE FUNCTION vete.store_cart_apply(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The one merge engine behind merge_cart_atomic and the cart edits. It folds the
    -- client's lines into the cart's by (id, type) with the policy
    --   max: keep the larger quantity (the original's rule)   sum: add them
    --   set: the new quantity replaces the old one (0 removes the line)
    -- then re-prices every line from the catalog and clamps it to the units available, to
    -- 100 per line and to 50 lines; every line that ends up different from what the policy
    -- alone gives is reported under adjustments. Validation and merge are one statement
    -- over the old and new lines together (one catalog lookup); when any new item is bad
    -- it returns the error and writes nothing, not even a new cart row.
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
                       c.line_name, c.line_price, c.available, c.problem
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
                SELECT l.item ->> 'id' AS id, l.item ->> 'type' AS type, min(l.pos) AS k,
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
                       coalesce(f.old_item, '{}'::jsonb) || coalesce(f.new_item, '{}'::jsonb) AS item,
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
                    j.item || jsonb_build_object('id', j.id, 'type', j.type, 'name', j.line_name,
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
    'Merge engine: lock the cart (or create it race-free), validate and fold lines by (id, type) with max/sum/set, re-price, clamp, report adjustments.';

CREATE OR REPLACE FUNCTION vete.store_cart_drop_lines(
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

CREATE OR REPLACE FUNCTION public.checkout_cart(
    p_tenant_id text, p_idempotency_key text, p_customer_id uuid DEFAULT NULL
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    -- Places an order from the caller's cart. The same key returns the same order
    -- (replayed:true) and changes nothing. Business outcomes: CART_EMPTY, ITEM_NOT_FOUND
    -- (a line can no longer be sold), OUT_OF_STOCK (listing each short line with what is
    -- available); on any of them nothing is written.
    DECLARE
        v_who jsonb;
        v_customer uuid;
        v_cart public.store_carts;
        v_order_id uuid;
        v_lines jsonb;
        v_bad jsonb;
        v_total numeric;
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

        -- Re-price every line from the catalog (the cart's stored prices are not trusted).
        SELECT jsonb_agg(jsonb_build_object(
                   'line_no', e.pos, 'id', e.item ->> 'id', 'type', e.item ->> 'type',
                   'quantity', (e.item ->> 'quantity')::int,
                   'name', c.line_name, 'price', c.line_price, 'problem', c.problem)
                   ORDER BY e.pos)
          INTO v_lines
          FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
          JOIN vete.store_catalog(p_tenant_id, v_customer, v_cart.items) c ON c.ord = e.pos;
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

        -- Lock the stock of every product bought, in product-id order, then compare.
        PERFORM 1 FROM public.store_inventory i
         WHERE i.tenant_id = p_tenant_id
           AND i.product_id IN (SELECT (l ->> 'id')::uuid FROM jsonb_array_elements(v_lines) l
                                WHERE l ->> 'type' = 'product')
         ORDER BY i.product_id
           FOR UPDATE;
        SELECT jsonb_agg(jsonb_build_object(
                   'index', (l ->> 'line_no')::int - 1, 'id', l -> 'id', 'type', l -> 'type',
                   'reason', 'OUT_OF_STOCK', 'requested', (l ->> 'quantity')::int,
                   'available', coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0)))
          INTO v_bad
          FROM jsonb_array_elements(v_lines) l
          LEFT JOIN public.store_inventory i
            ON i.tenant_id = p_tenant_id AND i.product_id = (l ->> 'id')::uuid
         WHERE l ->> 'type' = 'product'
           AND (l ->> 'quantity')::int
               > coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0);
        IF v_bad IS NOT NULL THEN
            RETURN vete.store_error('OUT_OF_STOCK',
                format('Stock insuficiente para %s artículo(s).', jsonb_array_length(v_bad)),
                jsonb_build_object('invalid_items', v_bad));
        END IF;

        UPDATE public.store_inventory i
           SET stock_quantity = i.stock_quantity - (l ->> 'quantity')::int, updated_at = now()
          FROM jsonb_array_elements(v_lines) l
         WHERE l ->> 'type' = 'product'
           AND i.tenant_id = p_tenant_id AND i.product_id = (l ->> 'id')::uuid;

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
    'Places an order from the caller''s cart: re-prices, decrements stock (never below zero), empties the cart; idempotent by key.';

DROP FUNCTION vete.store_catalog(text, uuid, jsonb);
CREATE FUNCTION vete.store_catalog(p_tenant_id text, p_customer_id uuid, p_lines jsonb)
    RETURNS TABLE (ord bigint, line_name text, line_price numeric, available int, problem text)
    LANGUAGE sql STABLE
    AS $$
        -- What the catalog says about each line {id, type} of the JSON array p_lines, as row
        -- ord = its 1-based position: name and price, units available (products only; NULL
        -- for services), or why it cannot be sold. A product must be active in this clinic; a service line's id is
        -- "serviceId-petId-variant" and names an active service of the clinic and a pet of
        -- this customer. One set-based query for all lines; plain SQL with no SET clause
        -- so the planner inlines it into the caller (every caller pins search_path to
        -- pg_catalog, public; tables here are schema-qualified). Inlining also needs plain arguments: pass a variable,
        -- not a subquery. Any JSON is safe here: every cast is guarded by a pattern.
        SELECT l.ord, coalesce(pr.name, sv.name), coalesce(pr.price, sv.base_price),
               pr.available,
               CASE l.type
                   WHEN 'product' THEN CASE WHEN pr.name IS NULL THEN 'PRODUCT_NOT_FOUND' END
                   WHEN 'service' THEN CASE WHEN l.service_ref IS NULL THEN 'INVALID_ID'
                                            WHEN sv.name IS NULL THEN 'SERVICE_NOT_FOUND'
                                            WHEN NOT sv.pet_ok THEN 'PET_NOT_FOUND' END
                   ELSE 'INVALID_TYPE'
               END
        FROM (
            SELECT u.ord, u.type,
                   -- The shape of a uuid (8-4-4-4-12 hex digits, either case) without a
                   -- regular expression: a case-insensitive regex match cost ~8 us a line.
                   CASE WHEN u.type = 'product' AND length(u.id) = 36
                             AND translate(u.id, '0123456789abcdefABCDEF', '') = '----'
                             AND substr(u.id, 9, 1) = '-' AND substr(u.id, 14, 1) = '-'
                             AND substr(u.id, 19, 1) = '-' AND substr(u.id, 24, 1) = '-'
                        THEN u.id::uuid END AS product_id,
                   CASE WHEN u.type = 'service'
                        THEN regexp_match(u.id,
                       '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-'
                       '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(.+)$', 'i')
                   END AS service_ref
            FROM (
                -- OFFSET 0 keeps these subqueries apart, so each line's JSON is read once
                -- and its ids parsed once, not once per reference or per probe.
                SELECT e.ord, e.line ->> 'type' AS type, e.line ->> 'id' AS id
                FROM jsonb_array_elements(p_lines) WITH ORDINALITY AS e (line, ord)
                OFFSET 0
            ) u
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
                       WHERE pt.tenant_id = p_tenant_id AND pt.id = (l.service_ref[2])::uuid
                         AND pt.owner_id = p_customer_id AND pt.deleted_at IS NULL) AS pet_ok
            FROM public.services s
            WHERE s.tenant_id = p_tenant_id AND s.id = (l.service_ref[1])::uuid
              AND s.is_active AND s.deleted_at IS NULL
            LIMIT 1
        ) sv ON true
    $$;
COMMENT ON FUNCTION vete.store_catalog(text, uuid, jsonb) IS
    'Catalog name, price and available units of each line of a JSON cart array, or the reason it cannot be sold.';

REVOKE ALL ON FUNCTION vete.store_catalog(text, uuid, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION vete.store_catalog(text, uuid, jsonb) TO service_role;

