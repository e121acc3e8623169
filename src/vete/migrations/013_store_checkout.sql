-- 013: checkout: one transaction that re-prices the cart, checks and decrements stock,
-- creates the order and empties the cart; idempotent by key.
-- vete:expect-notice vete 013 store checkout ready
--
-- Two locks make it hold under concurrency. The customer's cart row serializes that
-- customer's checkouts, so a retry with the same key finds the first call's order. The
-- inventory rows of the products bought are locked in product-id order (no deadlock
-- between two carts sharing products) before stock is compared, so concurrent checkouts
-- for the last units queue and the losers see what is left; stock_quantity >= 0 on the
-- table is the last line of defence.

CREATE FUNCTION vete.store_order_json(p_tenant_id text, p_order_id uuid, p_replayed boolean)
    RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, public
    AS $$
        SELECT jsonb_build_object(
            'success', true,
            'order_id', o.id,
            'status', o.status,
            'total', o.total,
            'item_count', o.item_count,
            'idempotency_key', o.idempotency_key,
            'created_at', o.created_at,
            'replayed', coalesce(p_replayed, false),
            'items', (
                SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'id', l.item_id, 'type', l.item_type, 'name', l.name,
                    'price', l.unit_price, 'quantity', l.quantity, 'line_total', l.line_total)
                    ORDER BY l.line_no), '[]'::jsonb)
                FROM public.store_order_items l
                WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id))
        FROM public.store_orders o
        WHERE o.tenant_id = p_tenant_id AND o.id = p_order_id
    $$;
COMMENT ON FUNCTION vete.store_order_json(text, uuid, boolean) IS
    'An order as checkout_cart''s success JSON: order_id, status, total, items, replayed.';

CREATE FUNCTION public.checkout_cart(
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

REVOKE EXECUTE ON FUNCTION vete.store_order_json(text, uuid, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vete.store_order_json(text, uuid, boolean) TO service_role;
REVOKE EXECUTE ON FUNCTION public.checkout_cart(text, text, uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.checkout_cart(text, text, uuid) TO authenticated, service_role;

DO $$ BEGIN RAISE NOTICE 'vete 013 store checkout ready'; END $$;
