"""load_store_demo gives every clinic products with stock, once."""

from __future__ import annotations

from tests.store.conftest import Conn
from vete import store
from vete.session import act_as


def test_demo_catalog_is_loaded_once_per_clinic(admin: Conn) -> None:
    admin.execute(
        "INSERT INTO tenants (id, name) VALUES ('demo-a', 'Demo A'), ('demo-b', 'Demo B')"
    )
    customer = admin.execute(
        "INSERT INTO profiles (tenant_id, id, role, full_name)"
        " VALUES ('demo-a', gen_random_uuid(), 'owner', 'Dora') RETURNING id"
    ).fetchone()
    assert customer is not None

    created = store.load_store_demo(admin)
    again = store.load_store_demo(admin)
    admin.commit()

    assert (created, again) == (20, 0)
    per_clinic = admin.execute(
        "SELECT p.tenant_id, count(*) AS products, sum(i.stock_quantity) AS units"
        " FROM store_products p JOIN store_inventory i"
        " ON i.tenant_id = p.tenant_id AND i.product_id = p.id"
        " GROUP BY p.tenant_id ORDER BY p.tenant_id"
    ).fetchall()
    assert [(r["tenant_id"], r["products"]) for r in per_clinic] == [
        ("demo-a", 10),
        ("demo-b", 10),
    ]
    assert all(r["units"] > 0 for r in per_clinic)

    product = admin.execute(
        "SELECT id FROM store_products WHERE tenant_id = 'demo-a' AND sku = 'ALIM-PERRO-3KG'"
    ).fetchone()
    assert product is not None
    with admin.transaction():
        act_as(admin, user_id=customer["id"], role="authenticated")
        cart = store.add_item(
            admin,
            tenant_id="demo-a",
            item={"id": str(product["id"]), "type": "product", "quantity": 2},
        )
        order = store.checkout(admin, tenant_id="demo-a", idempotency_key="demo")
    assert cart.total_quantity == 2
    assert (order.item_count, order.lines[0].quantity, order.replayed) == (1, 2, False)
