-- 010: the store's tables: products, inventory, carts, orders and order lines.
-- vete:expect-notice vete 010 store schema ready
-- vete:valid-checksum 45cb1f7bc0fd3bd711a64bca594a94fb9cdab984655d92c575b408c2b6a1c805
--   (the texts as applied before its functions, views, triggers and policies moved to
--   definitions/, docs/deploy.md "vete's own definitions")
--
-- Names and types follow the original platform (store_products, store_inventory with
-- stock_quantity >= 0 and reserved_quantity, store_carts with items jsonb and one cart
-- per customer per clinic). tenant_id leads every primary key, unique constraint and
-- foreign key between tenant tables so the schema can be distributed by tenant.
-- Every write goes through the functions of the next migrations; signed-in users get
-- read access only, filtered by row-level security.

CREATE TABLE public.store_products (
    tenant_id text NOT NULL REFERENCES public.tenants (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    sku text NOT NULL CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text,
    category text NOT NULL DEFAULT 'general',
    price numeric(12, 2) NOT NULL CHECK (price >= 0),
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, sku)
);
COMMENT ON TABLE public.store_products IS
    'A clinic''s catalog. price is authoritative: carts and orders are priced from here, never from the client.';

CREATE TABLE public.store_inventory (
    tenant_id text NOT NULL,
    product_id uuid NOT NULL,
    stock_quantity int NOT NULL DEFAULT 0 CHECK (stock_quantity >= 0),
    reserved_quantity int NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES public.store_products (tenant_id, id)
        ON DELETE CASCADE
);
COMMENT ON TABLE public.store_inventory IS
    'Units on hand per product. stock_quantity never goes below zero (the table refuses it); '
    'units available to sell = stock_quantity - reserved_quantity. A product with no row has none.';

CREATE TABLE public.store_carts (
    tenant_id text NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL,
    items jsonb NOT NULL DEFAULT '[]'::jsonb
        CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) <= 50),
    version bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (customer_id, tenant_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES public.profiles (tenant_id, id)
);
COMMENT ON TABLE public.store_carts IS
    'One cart per customer per clinic. items is the original''s JSON array of '
    '{id, type, name, price, quantity, ...}; version counts the writes, in the order they happened.';

CREATE TABLE public.store_orders (
    tenant_id text NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL,
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    status text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'paid', 'cancelled')),
    total numeric(12, 2) NOT NULL CHECK (total >= 0),
    item_count int NOT NULL CHECK (item_count > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, customer_id, idempotency_key),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES public.profiles (tenant_id, id)
);
COMMENT ON TABLE public.store_orders IS
    'Orders placed by checkout. (tenant_id, customer_id, idempotency_key) is unique: a retried '
    'checkout finds its order instead of creating a second one.';

CREATE TABLE public.store_order_items (
    tenant_id text NOT NULL,
    order_id uuid NOT NULL,
    line_no int NOT NULL CHECK (line_no > 0),
    item_type text NOT NULL CHECK (item_type IN ('product', 'service')),
    item_id text NOT NULL,
    product_id uuid,
    service_id uuid,
    pet_id uuid,
    name text NOT NULL,
    unit_price numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
    quantity int NOT NULL CHECK (quantity BETWEEN 1 AND 100),
    line_total numeric(12, 2) NOT NULL CHECK (line_total = unit_price * quantity),
    PRIMARY KEY (tenant_id, order_id, line_no),
    FOREIGN KEY (tenant_id, order_id) REFERENCES public.store_orders (tenant_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, product_id) REFERENCES public.store_products (tenant_id, id),
    FOREIGN KEY (tenant_id, service_id) REFERENCES public.services (tenant_id, id),
    FOREIGN KEY (tenant_id, pet_id) REFERENCES public.pets (tenant_id, id),
    CHECK ((item_type = 'product') = (product_id IS NOT NULL)),
    CHECK ((item_type = 'service') = (service_id IS NOT NULL AND pet_id IS NOT NULL))
);
CREATE INDEX store_order_items_product_idx ON public.store_order_items (tenant_id, product_id);
COMMENT ON TABLE public.store_order_items IS
    'One line of an order, priced from the catalog at checkout; a product or a service for a pet.';

COMMENT ON COLUMN public.store_carts.items IS
    'JSON array of lines {id, type: product|service, name, price, quantity, ...}; merge key (id, type).';
COMMENT ON COLUMN public.store_inventory.reserved_quantity IS
    'Units set aside and not for sale (kept from the original; vete''s checkout does not reserve).';

ALTER TABLE public.store_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.store_inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.store_carts ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.store_orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.store_order_items ENABLE ROW LEVEL SECURITY;

CREATE POLICY store_inventory_public_read ON public.store_inventory FOR SELECT TO anon, authenticated
    USING (true);

GRANT SELECT ON public.store_products, public.store_inventory TO anon, authenticated;
GRANT SELECT ON public.store_carts, public.store_orders, public.store_order_items TO authenticated;
GRANT ALL ON public.store_products, public.store_inventory, public.store_carts,
    public.store_orders, public.store_order_items TO service_role;

DO $$ BEGIN RAISE NOTICE 'vete 010 store schema ready'; END $$;
