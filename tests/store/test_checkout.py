"""Checkout never oversells, is idempotent by key, and re-prices from the catalog."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.store.conftest import MERGE_SQL, Clients, Conn, Shop, as_user, item, make_shop

CHECKOUT_SQL = (
    "SELECT checkout_cart(p_tenant_id => %(tenant)s, p_idempotency_key => %(key)s,"
    " p_customer_id => %(customer)s) AS r"
)
BUYERS = 20
STOCK = 5
RACE_ROUNDS = 5


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "checkout", customers=BUYERS * RACE_ROUNDS + 60, products=12)


@pytest.fixture(scope="module")
def customers(shop: Shop) -> list[uuid.UUID]:
    return list(shop.customers)


def fill_cart(admin: Conn, shop: Shop, customer: uuid.UUID, lines: list[tuple[Any, int]]) -> None:
    """Put lines in the customer's cart as the platform (it may act for any member)."""
    items = json.dumps([item(p, q) for p, q in lines])
    result = admin.execute(
        MERGE_SQL, {"customer": customer, "tenant": shop.tenant, "items": items, "policy": "max"}
    ).fetchone()
    admin.commit()
    assert result is not None
    assert result["r"]["success"] is True, result


def checkout(customer: uuid.UUID, shop: Shop, key: str) -> Callable[[Conn], Any]:
    params = {"tenant": shop.tenant, "key": key, "customer": customer}
    return as_user(customer, CHECKOUT_SQL, params)


def scalar(admin: Conn, sql: str, params: list[Any]) -> Any:
    row = admin.execute(sql, params).fetchone()
    admin.commit()
    assert row is not None
    return next(iter(row.values()))


def stock_of(admin: Conn, shop: Shop, product: Any) -> int:
    return int(
        scalar(
            admin,
            "SELECT stock_quantity FROM store_inventory WHERE tenant_id = %s AND product_id = %s",
            [shop.tenant, product],
        )
    )


@pytest.mark.parametrize("rnd", range(RACE_ROUNDS))
def test_twenty_checkouts_for_five_units_sell_exactly_five(
    admin: Conn, shop: Shop, customers: list[uuid.UUID], clients: Callable[[int], Clients], rnd: int
) -> None:
    product = shop.products[rnd]
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = %s WHERE tenant_id = %s AND product_id = %s",
        [STOCK, shop.tenant, product],
    )
    admin.commit()
    buyers = [customers.pop() for _ in range(BUYERS)]
    for buyer in buyers:
        fill_cart(admin, shop, buyer, [(product, 1)])

    results = clients(BUYERS).run([checkout(b, shop, f"race-{rnd}") for b in buyers])

    won = [r for r in results if r["success"]]
    lost = [r for r in results if not r["success"]]
    assert len(won) == STOCK
    assert {r["error"] for r in lost} == {"OUT_OF_STOCK"}
    assert all(r["invalid_items"][0]["available"] == 0 for r in lost)
    # Independent counts: what the tables say, not what the calls said.
    assert stock_of(admin, shop, product) == 0
    sold = scalar(
        admin,
        "SELECT coalesce(sum(quantity), 0) FROM store_order_items"
        " WHERE tenant_id = %s AND product_id = %s",
        [shop.tenant, product],
    )
    assert sold == STOCK
    emptied = scalar(
        admin,
        "SELECT count(*) FROM store_carts WHERE tenant_id = %s AND customer_id = ANY(%s)"
        " AND items = '[]'::jsonb",
        [shop.tenant, buyers],
    )
    assert emptied == STOCK  # the losers keep their carts


def test_retries_with_one_key_create_one_order(
    admin: Conn, shop: Shop, customers: list[uuid.UUID], clients: Callable[[int], Clients]
) -> None:
    customer, product = customers.pop(), shop.products[6]
    before = stock_of(admin, shop, product)
    fill_cart(admin, shop, customer, [(product, 3)])

    results = clients(8).run([checkout(customer, shop, "pay-once")] * 8)

    assert all(r["success"] for r in results), results
    assert len({r["order_id"] for r in results}) == 1
    assert sorted(r["replayed"] for r in results) == [False] + [True] * 7
    orders = scalar(
        admin,
        "SELECT count(*) FROM store_orders WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    )
    assert orders == 1
    assert stock_of(admin, shop, product) == before - 3


def test_a_later_retry_returns_the_same_order_and_sells_nothing(
    admin: Conn, shop: Shop, customers: list[uuid.UUID]
) -> None:
    customer, product = customers.pop(), shop.products[7]
    fill_cart(admin, shop, customer, [(product, 2)])
    first = checkout(customer, shop, "k1")(admin)
    fill_cart(admin, shop, customer, [(product, 5)])  # the cart changed since
    stock = stock_of(admin, shop, product)

    again = checkout(customer, shop, "k1")(admin)

    assert (again["order_id"], again["replayed"], again["total"]) == (
        first["order_id"],
        True,
        first["total"],
    )
    assert stock_of(admin, shop, product) == stock
    assert checkout(customer, shop, "k2")(admin)["success"] is True  # a new key buys again


def test_empty_cart_cannot_check_out(shop: Shop, customers: list[uuid.UUID], admin: Conn) -> None:
    result = checkout(customers.pop(), shop, "nothing")(admin)
    assert (result["success"], result["error"]) == (False, "CART_EMPTY")


def test_checkout_charges_the_catalog_price_of_now(
    admin: Conn, shop: Shop, customers: list[uuid.UUID]
) -> None:
    customer, product = customers.pop(), shop.products[8]
    fill_cart(admin, shop, customer, [(product, 2)])
    admin.execute(
        "UPDATE store_products SET price = 777.50 WHERE tenant_id = %s AND id = %s",
        [shop.tenant, product],
    )
    admin.commit()
    order = checkout(customer, shop, "reprice")(admin)
    assert Decimal(str(order["total"])) == Decimal("1555.00")
    assert order["items"][0]["price"] == 777.5


def test_withdrawn_product_stops_checkout_and_nothing_is_written(
    admin: Conn, shop: Shop, customers: list[uuid.UUID]
) -> None:
    customer, gone, fine = customers.pop(), shop.products[9], shop.products[10]
    fill_cart(admin, shop, customer, [(fine, 1), (gone, 1)])
    admin.execute(
        "UPDATE store_products SET is_active = false WHERE tenant_id = %s AND id = %s",
        [shop.tenant, gone],
    )
    admin.commit()
    stock = stock_of(admin, shop, fine)
    result = checkout(customer, shop, "withdrawn")(admin)
    assert result["error"] == "ITEM_NOT_FOUND"
    assert [(b["index"], b["reason"]) for b in result["invalid_items"]] == [
        (1, "PRODUCT_NOT_FOUND")
    ]
    assert stock_of(admin, shop, fine) == stock
    count = "SELECT count(*) FROM store_orders WHERE tenant_id = %s AND customer_id = %s"
    assert scalar(admin, count, [shop.tenant, customer]) == 0


def test_crossed_carts_check_out_without_deadlock(
    admin: Conn, shop: Shop, customers: list[uuid.UUID], clients: Callable[[int], Clients]
) -> None:
    """Carts holding the same products in opposite orders: stock rows lock in id order."""
    a, b = shop.products[0], shop.products[11]
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = 1000 WHERE tenant_id = %s"
        " AND product_id = ANY(%s)",
        [shop.tenant, [a, b]],
    )
    admin.commit()
    pool = clients(6)
    for rnd in range(5):
        buyers = [customers.pop() for _ in range(6)]
        for i, buyer in enumerate(buyers):
            fill_cart(admin, shop, buyer, [(a, 1), (b, 1)] if i % 2 else [(b, 1), (a, 1)])
        results = pool.run([checkout(buyer, shop, f"cross-{rnd}") for buyer in buyers])
        assert all(r["success"] for r in results), results
    assert stock_of(admin, shop, a) == stock_of(admin, shop, b) == 1000 - 30


def test_service_lines_become_order_lines_for_the_pet(
    admin: Conn, shop: Shop, customers: list[uuid.UUID]
) -> None:
    customer = customers.pop()
    service = scalar(
        admin,
        "INSERT INTO services (tenant_id, name, base_price) VALUES (%s, 'Vacuna', 90000)"
        " RETURNING id",
        [shop.tenant],
    )
    pet = scalar(
        admin,
        "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, 'Luna') RETURNING id",
        [shop.tenant, customer],
    )
    line = {"id": f"{service}-{pet}-anual", "type": "service", "quantity": 1}
    result = admin.execute(
        MERGE_SQL,
        {"customer": customer, "tenant": shop.tenant, "items": json.dumps([line]), "policy": "max"},
    ).fetchone()
    admin.commit()
    assert result is not None
    order = checkout(customer, shop, "vaccine")(admin)
    assert order["success"] is True, order
    row = admin.execute(
        "SELECT service_id, pet_id, unit_price FROM store_order_items"
        " WHERE tenant_id = %s AND order_id = %s",
        [shop.tenant, order["order_id"]],
    ).fetchone()
    admin.commit()
    assert row == {"service_id": service, "pet_id": pet, "unit_price": Decimal("90000.00")}
