-- public.checkout_cart (first in 013; the body 015 gave it).
-- vete:requires store/add_cart_item
-- vete:requires store/merge_cart_atomic
-- vete:requires store/store_cart_merge_fast
-- vete:requires store/store_catalog
-- vete:requires store/store_error
-- vete:requires store/store_inventory_policies
-- vete:requires store/store_lock_cart
-- vete:requires store/store_order_json
-- vete:requires store/store_resolve_customer

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
                   'available', coalesce(greatest(i.stock_quantity - coalesce(i.reserved_quantity, 0), 0), 0))
                   ORDER BY w.first_line)
          INTO v_bad
          FROM unnest(v_products, v_units, v_first_lines) AS w (product_id, units, first_line)
          LEFT JOIN public.store_inventory i
            ON i.tenant_id = p_tenant_id AND i.product_id = w.product_id
         WHERE w.units > coalesce(greatest(i.stock_quantity - coalesce(i.reserved_quantity, 0), 0), 0);
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

REVOKE ALL ON FUNCTION public.checkout_cart(text, text, uuid) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.checkout_cart(text, text, uuid) TO authenticated, service_role;
