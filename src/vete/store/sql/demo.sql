-- name: ensure_demo_products()$
-- Gives every clinic the demo catalog with its starting stock. Idempotent: a clinic that
-- already has a product with the SKU keeps it (and its stock) untouched. Returns how many
-- products were created.
WITH catalog (sku, name, category, price, stock) AS (
    VALUES
        ('ALIM-PERRO-3KG', 'Alimento balanceado perro adulto 3 kg', 'food', 185000, 40),
        ('ALIM-GATO-1KG', 'Alimento gato adulto 1,5 kg', 'food', 98000, 25),
        ('PIPETA-PERRO-M', 'Pipeta antipulgas perro mediano', 'pharmacy', 65000, 30),
        ('COLLAR-ANTIPULGAS', 'Collar antipulgas 8 meses', 'pharmacy', 120000, 15),
        ('DESPARASITANTE', 'Desparasitante comprimido', 'pharmacy', 35000, 60),
        ('SHAMPOO-HIPO', 'Shampoo hipoalergénico 250 ml', 'hygiene', 54000, 20),
        ('ARENA-GATO-4KG', 'Arena sanitaria para gatos 4 kg', 'hygiene', 45000, 5),
        ('JUGUETE-GOMA-M', 'Juguete de goma resistente', 'toys', 75000, 10),
        ('CAMA-PERRO-M', 'Cama acolchada mediana', 'accessories', 210000, 3),
        ('SNACK-DENTAL', 'Snack dental (7 unidades)', 'food', 42000, 0)
), created AS (
    INSERT INTO public.store_products (tenant_id, sku, name, category, price)
    SELECT t.id, c.sku, c.name, c.category, c.price
    FROM public.tenants t CROSS JOIN catalog c
    ON CONFLICT (tenant_id, sku) DO NOTHING
    RETURNING tenant_id, id, sku
), stocked AS (
    INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)
    SELECT p.tenant_id, p.id, c.stock FROM created p JOIN catalog c USING (sku)
    ON CONFLICT (tenant_id, product_id) DO NOTHING
    RETURNING product_id
)
SELECT count(*) AS created FROM stocked;
