-- 011: the store's internal building blocks: who may touch a cart, catalog lookup,
-- item validation, the cart lock and the one merge engine every cart write uses.
-- vete:expect-notice vete 011 store cart internals ready
--
-- These functions live in schema vete and are not executable by PUBLIC: the public
-- functions (012, 013) check the session's identity first and then call them with the
-- owner's rights. Every one of them answers all-NULL arguments with NULL or a business
-- error, never an exception.

CREATE FUNCTION vete.store_error(p_code text, p_message text, p_details jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog
    AS $$
        SELECT jsonb_build_object('success', false, 'error', p_code, 'message', p_message)
            || coalesce(p_details, '{}'::jsonb)
    $$;
COMMENT ON FUNCTION vete.store_error(text, text, jsonb) IS
    'The store''s business-error JSON: {success:false, error, message} plus optional details.';

CREATE FUNCTION vete.store_resolve_customer(p_tenant_id text, p_customer_id uuid)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    -- Decides whose cart the session may act on. A signed-in user acts on their own cart
    -- in a clinic they belong to (p_customer_id, when given, must be themselves); the
    -- platform (service_role) acts for any member it names. Returns {customer_id} or a
    -- business error; arguments are never trusted beyond that.
    DECLARE
        v_role text := vete.session_role();
        v_uid uuid;
        v_customer uuid;
    BEGIN
        IF p_tenant_id IS NULL THEN
            RETURN vete.store_error('INVALID_INPUT', 'Falta la clínica (p_tenant_id).');
        END IF;
        IF v_role = 'service_role' THEN
            v_customer := p_customer_id;
            IF v_customer IS NULL THEN
                RETURN vete.store_error('INVALID_INPUT', 'Falta el cliente (p_customer_id).');
            END IF;
        ELSIF v_role = 'authenticated' THEN
            v_uid := auth.uid();
            IF v_uid IS NULL OR (p_customer_id IS NOT NULL AND p_customer_id <> v_uid) THEN
                RETURN vete.store_error('UNAUTHORIZED', 'No puede usar el carrito de otra persona.');
            END IF;
            v_customer := v_uid;
        ELSE
            RETURN vete.store_error('UNAUTHORIZED', 'Inicie sesión para usar el carrito.');
        END IF;
        PERFORM 1 FROM public.profiles p
        WHERE p.tenant_id = p_tenant_id AND p.id = v_customer AND p.deleted_at IS NULL;
        IF NOT FOUND THEN
            IF v_role = 'service_role' THEN
                RETURN vete.store_error('CUSTOMER_NOT_FOUND', 'El cliente no pertenece a esta clínica.');
            END IF;
            RETURN vete.store_error('UNAUTHORIZED', 'No pertenece a esta clínica.');
        END IF;
        RETURN jsonb_build_object('customer_id', v_customer);
    END
    $$;
COMMENT ON FUNCTION vete.store_resolve_customer(text, uuid) IS
    'Whose cart the session may use in a clinic: {customer_id}, or UNAUTHORIZED / CUSTOMER_NOT_FOUND / INVALID_INPUT.';

CREATE FUNCTION vete.store_catalog_line(
    p_tenant_id text, p_customer_id uuid, p_id text, p_type text,
    OUT line_name text, OUT line_price numeric, OUT available int, OUT problem text
)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    -- What the catalog says about one cart line: its name and price, the units available
    -- (products only; NULL for services) or why the line cannot be sold. A product must be
    -- active in this clinic; a service line's id is "serviceId-petId-variant" and names an
    -- active service of the clinic and a pet of this customer.
    DECLARE
        v_match text[];
    BEGIN
        IF p_type = 'product' THEN
            IF p_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
                problem := 'PRODUCT_NOT_FOUND';
                RETURN;
            END IF;
            SELECT p.name, p.price,
                   coalesce(greatest(i.stock_quantity - i.reserved_quantity, 0), 0)
              INTO line_name, line_price, available
              FROM public.store_products p
              LEFT JOIN public.store_inventory i
                ON i.tenant_id = p.tenant_id AND i.product_id = p.id
             WHERE p.tenant_id = p_tenant_id AND p.id = p_id::uuid
               AND p.is_active AND p.deleted_at IS NULL;
            IF NOT FOUND THEN
                problem := 'PRODUCT_NOT_FOUND';
            END IF;
        ELSIF p_type = 'service' THEN
            v_match := regexp_match(p_id,
                '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-'
                '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(.+)$', 'i');
            IF v_match IS NULL THEN
                problem := 'INVALID_ID';
                RETURN;
            END IF;
            SELECT s.name, s.base_price INTO line_name, line_price
              FROM public.services s
             WHERE s.tenant_id = p_tenant_id AND s.id = v_match[1]::uuid
               AND s.is_active AND s.deleted_at IS NULL;
            IF NOT FOUND THEN
                problem := 'SERVICE_NOT_FOUND';
                RETURN;
            END IF;
            PERFORM 1 FROM public.pets pt
             WHERE pt.tenant_id = p_tenant_id AND pt.id = v_match[2]::uuid
               AND pt.owner_id = p_customer_id AND pt.deleted_at IS NULL;
            IF NOT FOUND THEN
                problem := 'PET_NOT_FOUND';
            END IF;
        ELSE
            problem := 'INVALID_TYPE';
        END IF;
    END
    $$;
COMMENT ON FUNCTION vete.store_catalog_line(text, uuid, text, text) IS
    'Catalog name, price and available units of one cart line, or the reason it cannot be sold.';

CREATE FUNCTION vete.store_check_items(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_min_quantity int
)
    RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, public
    AS $$
    -- Validates client items. Returns {lines: [{pos, id, type, quantity, item}]} when every
    -- item is well formed and sellable, or a business error whose invalid_items lists each
    -- offending item as {index (0-based), id, type, reason}. Reads only; writes nothing.
    DECLARE
        v_bad jsonb;
        v_lines jsonb;
        v_shape_bad boolean;
    BEGIN
        IF p_items IS NULL OR jsonb_typeof(p_items) <> 'array' THEN
            RETURN vete.store_error('INVALID_ITEMS', 'Los artículos deben ser un arreglo JSON.',
                jsonb_build_object('invalid_items', '[]'::jsonb));
        END IF;
        IF jsonb_array_length(p_items) > 50 THEN
            RETURN vete.store_error('TOO_MANY_ITEMS',
                format('Máximo 50 líneas por carrito; se recibieron %s.', jsonb_array_length(p_items)),
                jsonb_build_object('invalid_items', (
                    SELECT coalesce(jsonb_agg(jsonb_build_object(
                        'index', e.pos - 1, 'id', e.item -> 'id', 'type', e.item -> 'type',
                        'reason', 'LINE_LIMIT') ORDER BY e.pos), '[]'::jsonb)
                    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e (item, pos)
                    WHERE e.pos > 50)));
        END IF;
        WITH checked AS (
            SELECT e.pos, e.item,
                   CASE
                       WHEN jsonb_typeof(e.item) <> 'object' THEN 'NOT_AN_OBJECT'
                       WHEN e.item -> 'id' IS NULL OR e.item -> 'id' = 'null'::jsonb THEN 'MISSING_ID'
                       WHEN jsonb_typeof(e.item -> 'id') <> 'string'
                            OR length(e.item ->> 'id') NOT BETWEEN 1 AND 200 THEN 'INVALID_ID'
                       WHEN e.item -> 'type' IS NULL OR e.item -> 'type' = 'null'::jsonb THEN 'MISSING_TYPE'
                       WHEN coalesce(e.item ->> 'type', '') NOT IN ('product', 'service') THEN 'INVALID_TYPE'
                       WHEN jsonb_typeof(e.item -> 'quantity') IS DISTINCT FROM 'number'
                           THEN 'INVALID_QUANTITY'
                       -- A separate branch: CASE, unlike OR, guarantees the cast only
                       -- ever sees a JSON number.
                       WHEN (e.item ->> 'quantity')::numeric <> trunc((e.item ->> 'quantity')::numeric)
                            OR (e.item ->> 'quantity')::numeric NOT BETWEEN p_min_quantity AND 100
                           THEN 'INVALID_QUANTITY'
                   END AS shape
            FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e (item, pos)
        ), judged AS (
            SELECT c.pos, c.item, c.shape,
                   coalesce(c.shape, (
                       SELECT l.problem FROM vete.store_catalog_line(
                           p_tenant_id, p_customer_id, c.item ->> 'id', c.item ->> 'type') l
                   )) AS reason
            FROM checked c
        )
        SELECT
            jsonb_agg(jsonb_build_object('index', j.pos - 1, 'id', j.item -> 'id',
                                         'type', j.item -> 'type', 'reason', j.reason)
                      ORDER BY j.pos) FILTER (WHERE j.reason IS NOT NULL),
            bool_or(j.reason IN ('NOT_AN_OBJECT', 'MISSING_ID', 'INVALID_ID', 'MISSING_TYPE',
                                 'INVALID_TYPE', 'INVALID_QUANTITY')),
            coalesce(jsonb_agg(jsonb_build_object(
                'pos', j.pos, 'id', j.item ->> 'id', 'type', j.item ->> 'type',
                'quantity', CASE WHEN j.reason IS NULL THEN (j.item ->> 'quantity')::numeric::int END,
                'item', j.item) ORDER BY j.pos) FILTER (WHERE j.reason IS NULL), '[]'::jsonb)
          INTO v_bad, v_shape_bad, v_lines
          FROM judged j;
        IF v_bad IS NOT NULL THEN
            IF v_shape_bad THEN
                RETURN vete.store_error('INVALID_ITEMS',
                    format('%s artículo(s) mal formado(s) o con cantidad inválida (entero de %s a 100).',
                           jsonb_array_length(v_bad), p_min_quantity),
                    jsonb_build_object('invalid_items', v_bad));
            END IF;
            RETURN vete.store_error('ITEM_NOT_FOUND',
                format('%s artículo(s) no disponible(s) en esta clínica.', jsonb_array_length(v_bad)),
                jsonb_build_object('invalid_items', v_bad));
        END IF;
        RETURN jsonb_build_object('lines', v_lines);
    END
    $$;
COMMENT ON FUNCTION vete.store_check_items(text, uuid, jsonb, int) IS
    'Validates client cart items: {lines} or INVALID_ITEMS / ITEM_NOT_FOUND / TOO_MANY_ITEMS listing the offenders.';

CREATE FUNCTION vete.store_lock_cart(p_tenant_id text, p_customer_id uuid)
    RETURNS public.store_carts
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The fix for the original's lost items: with no cart row, SELECT ... FOR UPDATE locks
    -- nothing and concurrent first merges overwrite each other. So make sure the row exists
    -- (INSERT ... ON CONFLICT DO NOTHING waits for a concurrent inserter and then does
    -- nothing), then lock it; every writer of this cart queues on that one row lock.
    DECLARE
        v_cart public.store_carts;
    BEGIN
        IF p_tenant_id IS NULL OR p_customer_id IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT * INTO v_cart FROM public.store_carts c
         WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
           FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO public.store_carts (tenant_id, customer_id)
            VALUES (p_tenant_id, p_customer_id)
            ON CONFLICT (customer_id, tenant_id) DO NOTHING;
            SELECT * INTO STRICT v_cart FROM public.store_carts c
             WHERE c.customer_id = p_customer_id AND c.tenant_id = p_tenant_id
               FOR UPDATE;
        END IF;
        RETURN v_cart;
    END
    $$;
COMMENT ON FUNCTION vete.store_lock_cart(text, uuid) IS
    'Creates the customer''s cart row if missing, then locks it FOR UPDATE and returns it.';

CREATE FUNCTION vete.store_cart_json(p_cart public.store_carts, p_extra jsonb DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
    AS $$
        -- The original's success keys (success, items, item_count) plus vete's extras.
        SELECT jsonb_build_object(
            'success', true,
            'items', coalesce(p_cart.items, '[]'::jsonb),
            'item_count', jsonb_array_length(coalesce(p_cart.items, '[]'::jsonb)),
            'total_quantity', (SELECT coalesce(sum((l ->> 'quantity')::int), 0)
                               FROM jsonb_array_elements(coalesce(p_cart.items, '[]'::jsonb)) l),
            'total', (SELECT coalesce(sum((l ->> 'price')::numeric * (l ->> 'quantity')::int), 0)
                      FROM jsonb_array_elements(coalesce(p_cart.items, '[]'::jsonb)) l),
            'cart_id', p_cart.id,
            'version', coalesce(p_cart.version, 0)
        ) || coalesce(p_extra, '{}'::jsonb)
    $$;
COMMENT ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) IS
    'A cart as the success JSON every cart function returns: items, item_count, totals, version.';

CREATE FUNCTION vete.store_cart_apply(
    p_tenant_id text, p_customer_id uuid, p_items jsonb, p_policy text
)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, public
    AS $$
    -- The one merge engine behind merge_cart_atomic and the cart edits. Validates the
    -- client's items (nothing is written when any is bad), locks the cart row, folds the
    -- new lines into the existing ones by (id, type) with the policy
    --   max: keep the larger quantity (the original's rule)   sum: add them
    --   set: the new quantity replaces the old one (0 removes the line)
    -- then re-prices every line from the catalog and clamps it to the units available, to
    -- 100 per line and to 50 lines. Every line that ends up different from what the policy
    -- alone would give is reported under adjustments, with its reasons.
    DECLARE
        v_checked jsonb;
        v_cart public.store_carts;
        v_items jsonb;
        v_adjustments jsonb;
    BEGIN
        IF p_policy IS NULL OR p_policy NOT IN ('max', 'sum', 'set') THEN
            RETURN vete.store_error('INVALID_POLICY',
                format('Política de combinación desconocida: %s (use max o sum).', coalesce(p_policy, 'NULL')));
        END IF;
        IF p_tenant_id IS NULL OR p_customer_id IS NULL THEN
            RETURN vete.store_error('INVALID_INPUT', 'Faltan la clínica o el cliente.');
        END IF;
        v_checked := vete.store_check_items(p_tenant_id, p_customer_id, p_items,
                                            CASE WHEN p_policy = 'set' THEN 0 ELSE 1 END);
        IF v_checked ? 'error' THEN
            RETURN v_checked;
        END IF;

        v_cart := vete.store_lock_cart(p_tenant_id, p_customer_id);

        WITH new_raw AS (
            SELECT (x ->> 'pos')::int AS pos, x ->> 'id' AS id, x ->> 'type' AS type,
                   (x ->> 'quantity')::int AS qty, x -> 'item' AS item
            FROM jsonb_array_elements(v_checked -> 'lines') x
        ), new_lines AS (
            -- Duplicates inside one request fold by the same policy ('set': the last wins).
            SELECT n.id, n.type, min(n.pos) AS pos,
                   CASE p_policy
                       WHEN 'sum' THEN sum(n.qty)::int
                       WHEN 'set' THEN (array_agg(n.qty ORDER BY n.pos DESC))[1]
                       ELSE max(n.qty)
                   END AS qty,
                   (array_agg(n.item ORDER BY n.pos DESC))[1] AS item
            FROM new_raw n
            GROUP BY n.id, n.type
        ), old_lines AS (
            SELECT e.pos, e.item ->> 'id' AS id, e.item ->> 'type' AS type,
                   CASE WHEN jsonb_typeof(e.item -> 'quantity') = 'number'
                        THEN greatest(1, least(100, floor((e.item ->> 'quantity')::numeric)))::int
                        ELSE 1 END AS qty,
                   e.item
            FROM jsonb_array_elements(v_cart.items) WITH ORDINALITY AS e (item, pos)
        ), joined AS (
            SELECT coalesce(o.id, n.id) AS id, coalesce(o.type, n.type) AS type,
                   coalesce(o.pos, 1000 + n.pos) AS pos,
                   CASE
                       WHEN o.id IS NULL THEN n.qty
                       WHEN n.id IS NULL THEN o.qty
                       WHEN p_policy = 'sum' THEN o.qty + n.qty
                       WHEN p_policy = 'set' THEN n.qty
                       ELSE greatest(o.qty, n.qty)
                   END AS requested,
                   coalesce(o.item, '{}'::jsonb) || coalesce(n.item, '{}'::jsonb) AS item,
                   coalesce(n.item, o.item) -> 'price' AS shown_price
            FROM old_lines o
            FULL JOIN new_lines n ON n.id = o.id AND n.type = o.type
        ), priced AS (
            SELECT j.*, c.line_name, c.line_price, c.available, c.problem,
                   CASE WHEN c.problem IS NULL
                        THEN least(j.requested, 100, coalesce(c.available, 100)) ELSE 0 END AS qty
            FROM joined j
            CROSS JOIN LATERAL vete.store_catalog_line(p_tenant_id, p_customer_id, j.id, j.type) c
        ), ranked AS (
            SELECT p.*,
                   row_number() OVER (PARTITION BY p.qty > 0 ORDER BY p.pos) AS line_rank
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
            FROM ranked r
        )
        SELECT
            coalesce(jsonb_agg(
                j.item || jsonb_build_object('id', j.id, 'type', j.type, 'name', j.line_name,
                                             'price', j.line_price, 'quantity', j.qty)
                ORDER BY j.pos) FILTER (WHERE j.kept), '[]'::jsonb),
            coalesce(jsonb_agg(jsonb_build_object(
                'id', j.id, 'type', j.type, 'requested_quantity', j.requested,
                'quantity', CASE WHEN j.kept THEN j.qty ELSE 0 END,
                'client_price', j.shown_price, 'price', j.line_price, 'reasons', to_jsonb(j.reasons))
                ORDER BY j.pos) FILTER (WHERE cardinality(j.reasons) > 0), '[]'::jsonb)
          INTO v_items, v_adjustments
          FROM judged j;

        UPDATE public.store_carts c
           SET items = v_items, version = c.version + 1, updated_at = now()
         WHERE c.tenant_id = v_cart.tenant_id AND c.id = v_cart.id
        RETURNING * INTO v_cart;

        RETURN vete.store_cart_json(v_cart,
            jsonb_build_object('adjustments', v_adjustments, 'policy', p_policy));
    END
    $$;
COMMENT ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) IS
    'Merge engine: validate, lock the cart, fold lines by (id, type) with max/sum/set, re-price and clamp, report adjustments.';

REVOKE EXECUTE ON FUNCTION vete.store_error(text, text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_resolve_customer(text, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_catalog_line(text, uuid, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_check_items(text, uuid, jsonb, int) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_lock_cart(text, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vete.store_error(text, text, jsonb) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_resolve_customer(text, uuid) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_catalog_line(text, uuid, text, text) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_check_items(text, uuid, jsonb, int) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_lock_cart(text, uuid) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_json(public.store_carts, jsonb) TO service_role;
GRANT EXECUTE ON FUNCTION vete.store_cart_apply(text, uuid, jsonb, text) TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 011 store cart internals ready'; END $$;
