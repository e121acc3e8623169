"""A cart stores only what a cart line is, and every text the store keeps is bounded.

A line is ``{id, type, name, price, quantity}`` (the original's contract); any other key
the client sends is dropped, not stored: the audit stored a 30 MB key (issue 13). Texts
that are stored as sent (a line's id, an idempotency key) are refused beyond 200
characters with a business code, and nothing is written. Checked on the stored JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.store.conftest import Conn, Shop, make_shop, rpc, write_cart_directly

LINE_KEYS = {"id", "type", "name", "price", "quantity"}
HUGE = "x" * (30 * 1024 * 1024)


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "bounds", customers=20, products=3, stock=100)


@pytest.fixture(scope="module")
def customers(shop: Shop) -> Iterator[uuid.UUID]:
    return iter(shop.customers)


def stored(admin: Conn, shop: Shop, customer: uuid.UUID) -> tuple[list[Any], int]:
    """The cart's stored lines and the stored JSON's size in bytes, read independently."""
    row = admin.execute(
        "SELECT items, pg_column_size(items) AS size FROM store_carts"
        " WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    ).fetchone()
    admin.commit()
    return ([], 0) if row is None else (list(row["items"]), int(row["size"]))


def client_line(shop: Shop, n: int = 0, **extra: Any) -> dict[str, Any]:
    return {"id": str(shop.products[n]), "type": "product", "quantity": 2} | extra


def test_a_30_mb_key_sent_with_a_merge_is_not_stored(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    result = rpc(
        admin,
        customer,
        "merge_cart_atomic",
        p_customer_id=customer,
        p_tenant_id=shop.tenant,
        p_new_items=[client_line(shop, junk=HUGE, image="a.png", nested={"a": [1, 2]})],
    )
    assert result["success"] is True
    lines, size = stored(admin, shop, customer)
    assert [set(line) for line in lines] == [LINE_KEYS]
    assert size < 1000
    assert [set(line) for line in result["items"]] == [LINE_KEYS]


def test_a_30_mb_key_sent_with_an_add_to_a_cart_that_exists_is_not_stored(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    """The second write takes the fast path (an existing cart of plain lines)."""
    customer = next(customers)
    rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=client_line(shop, 0))
    rpc(
        admin,
        customer,
        "add_cart_item",
        p_tenant_id=shop.tenant,
        p_item=client_line(shop, 1, junk=HUGE),
    )
    lines, size = stored(admin, shop, customer)
    assert [set(line) for line in lines] == [LINE_KEYS, LINE_KEYS]
    assert size < 1000


def test_keys_stored_before_are_dropped_at_the_next_write(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    write_cart_directly(admin, shop.tenant, customer, [client_line(shop, 0, junk="x" * 100_000)])
    rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=client_line(shop, 1))
    lines, size = stored(admin, shop, customer)
    assert [set(line) for line in lines] == [LINE_KEYS, LINE_KEYS]
    assert size < 1000


def test_a_removal_keeps_only_the_known_keys_of_the_lines_left(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    write_cart_directly(
        admin,
        shop.tenant,
        customer,
        [client_line(shop, 0, name="P", price=1, junk="x" * 100_000), client_line(shop, 1)],
    )
    rpc(
        admin,
        customer,
        "remove_cart_item",
        p_tenant_id=shop.tenant,
        p_item_id=str(shop.products[1]),
        p_item_type="product",
    )
    lines, size = stored(admin, shop, customer)
    assert [(line["id"], set(line)) for line in lines] == [(str(shop.products[0]), LINE_KEYS)]
    assert size < 1000


def test_an_id_over_200_characters_is_refused_and_nothing_is_written(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    result = rpc(
        admin,
        customer,
        "add_cart_item",
        p_tenant_id=shop.tenant,
        p_item={"id": "x" * 201, "type": "service", "quantity": 1},
    )
    assert (result["success"], result["error"]) == (False, "INVALID_ITEMS")
    assert [b["reason"] for b in result["invalid_items"]] == ["INVALID_ID"]
    assert stored(admin, shop, customer) == ([], 0)


def test_an_idempotency_key_over_200_characters_is_refused_and_nothing_is_written(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=client_line(shop))
    result = rpc(admin, customer, "checkout_cart", p_tenant_id=shop.tenant, p_idempotency_key=HUGE)
    assert (result["success"], result["error"]) == (False, "INVALID_INPUT")
    orders = admin.execute(
        "SELECT count(*) AS n FROM store_orders WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    ).fetchone()
    admin.commit()
    assert orders == {"n": 0}
    assert len(stored(admin, shop, customer)[0]) == 1
