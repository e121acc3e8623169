"""merge_cart_atomic keeps the original's contract and refuses bad input without writing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.store.conftest import MERGE_SQL, Conn, Shop, call_as, item, make_shop

ORIGINAL_CALL = (
    "SELECT merge_cart_atomic(p_customer_id => %(customer)s, p_tenant_id => %(tenant)s,"
    " p_new_items => %(items)s::jsonb) AS r"
)


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "contract", customers=40, products=60, stock=500)


@pytest.fixture(scope="module")
def customers(shop: Shop) -> list[uuid.UUID]:
    return list(shop.customers)


def merge(
    conn: Conn, shop: Shop, customer: uuid.UUID, items: Any, policy: str | None = None
) -> Any:
    """Merge as the customer, with the original's three named arguments unless a policy."""
    params = {"customer": customer, "tenant": shop.tenant, "items": json.dumps(items)}
    if policy is None:
        return call_as(conn, customer, ORIGINAL_CALL, params)
    return call_as(conn, customer, MERGE_SQL, params | {"policy": policy})


def cart_row(conn: Conn, shop: Shop, customer: uuid.UUID) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT items, version FROM store_carts WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    ).fetchone()
    conn.commit()
    return row


def test_rpc_caller_gets_the_original_keys(admin: Conn, shop: Shop, customers: list[Any]) -> None:
    customer = customers.pop()
    p = shop.products
    result = merge(admin, shop, customer, [item(p[0], 2, image="a.png"), item(p[1], 1)])
    assert result["success"] is True
    assert {"success", "items", "item_count"} <= set(result)
    assert result["item_count"] == len(result["items"]) == 2
    first = result["items"][0]
    assert first == {
        "id": str(p[0]),
        "type": "product",
        "name": "Product 1",
        "price": float(shop.price[p[0]]),
        "quantity": 2,
    }  # the client's "image" is not kept: a line is the contract's five keys (issue 13)


def test_exactly_one_merge_cart_atomic_exists(admin: Conn) -> None:
    row = admin.execute(
        "SELECT count(*) AS n, min(pg_get_function_identity_arguments(oid)) AS args"
        " FROM pg_proc WHERE proname = 'merge_cart_atomic'"
    ).fetchone()
    admin.commit()
    assert row == {
        "n": 1,
        "args": "p_customer_id uuid, p_tenant_id text, p_new_items jsonb, p_policy text",
    }


def test_max_is_the_default_and_sum_is_on_request(
    admin: Conn, shop: Shop, customers: list[Any]
) -> None:
    customer, p = customers.pop(), shop.products
    merge(admin, shop, customer, [item(p[0], 5)])
    assert merge(admin, shop, customer, [item(p[0], 3)])["items"][0]["quantity"] == 5
    assert merge(admin, shop, customer, [item(p[0], 3)], "max")["items"][0]["quantity"] == 5
    assert merge(admin, shop, customer, [item(p[0], 3)], "sum")["items"][0]["quantity"] == 8
    # Duplicates inside one request fold by the same policy.
    result = merge(admin, shop, customer, [item(p[1], 2), item(p[1], 4)], "sum")
    assert {line["id"]: line["quantity"] for line in result["items"]}[str(p[1])] == 6


def test_unknown_policy_is_refused(admin: Conn, shop: Shop, customers: list[Any]) -> None:
    customer = customers.pop()
    for policy in ("set", "min", ""):
        result = merge(admin, shop, customer, [item(shop.products[0], 1)], policy)
        assert result["success"] is False
        assert result["error"] == "INVALID_POLICY"
    assert cart_row(admin, shop, customer) is None


BAD_INPUTS: list[tuple[str, Any, str, list[tuple[int, str]]]] = [
    ("not an array", {"id": "x", "type": "product", "quantity": 1}, "INVALID_ITEMS", []),
    ("null", None, "INVALID_ITEMS", []),
    ("missing id", [{"type": "product", "quantity": 1}], "INVALID_ITEMS", [(0, "MISSING_ID")]),
    ("missing type", [{"id": "P0", "quantity": 1}], "INVALID_ITEMS", [(0, "MISSING_TYPE")]),
    (
        "bad type",
        [{"id": "P0", "type": "gift", "quantity": 1}],
        "INVALID_ITEMS",
        [(0, "INVALID_TYPE")],
    ),
    (
        "numeric id",
        [{"id": 7, "type": "product", "quantity": 1}],
        "INVALID_ITEMS",
        [(0, "INVALID_ID")],
    ),
    ("not an object", ["P0"], "INVALID_ITEMS", [(0, "NOT_AN_OBJECT")]),
    (
        "fraction",
        [{"id": "P0", "type": "product", "quantity": 1.5}],
        "INVALID_ITEMS",
        [(0, "INVALID_QUANTITY")],
    ),
    (
        "zero",
        [{"id": "P0", "type": "product", "quantity": 0}],
        "INVALID_ITEMS",
        [(0, "INVALID_QUANTITY")],
    ),
    (
        "101",
        [{"id": "P0", "type": "product", "quantity": 101}],
        "INVALID_ITEMS",
        [(0, "INVALID_QUANTITY")],
    ),
    (
        "string quantity",
        [{"id": "P0", "type": "product", "quantity": "2"}],
        "INVALID_ITEMS",
        [(0, "INVALID_QUANTITY")],
    ),
    ("no quantity", [{"id": "P0", "type": "product"}], "INVALID_ITEMS", [(0, "INVALID_QUANTITY")]),
    (
        "unknown product",
        [{"id": "UNKNOWN", "type": "product", "quantity": 1}],
        "ITEM_NOT_FOUND",
        [(0, "PRODUCT_NOT_FOUND")],
    ),
    (
        "inactive product",
        [{"id": "INACTIVE", "type": "product", "quantity": 1}],
        "ITEM_NOT_FOUND",
        [(0, "PRODUCT_NOT_FOUND")],
    ),
    (
        "other clinic's product",
        [{"id": "FOREIGN", "type": "product", "quantity": 1}],
        "ITEM_NOT_FOUND",
        [(0, "PRODUCT_NOT_FOUND")],
    ),
    (
        "malformed service id",
        [{"id": "P0-x", "type": "service", "quantity": 1}],
        "INVALID_ITEMS",
        [(0, "INVALID_ID")],
    ),
    (
        "good and bad mixed",
        [
            {"id": "P0", "type": "product", "quantity": 1},
            {"id": "P0", "type": "product"},
            {"id": "P1", "type": "product", "quantity": 2},
            {"id": "UNKNOWN", "type": "product", "quantity": 1},
        ],
        "INVALID_ITEMS",
        [(1, "INVALID_QUANTITY"), (3, "PRODUCT_NOT_FOUND")],
    ),
    (
        "51 lines",
        [{"id": "P0", "type": "product", "quantity": 1}] * 51,
        "TOO_MANY_ITEMS",
        [(50, "LINE_LIMIT")],
    ),
]


@pytest.fixture(scope="module")
def placeholders(admin: Conn, shop: Shop) -> dict[str, str]:
    """Real ids for the names BAD_INPUTS uses: an inactive product, another clinic's."""
    other = make_shop(admin, "contract-other", customers=1, products=1)
    inactive = admin.execute(
        "UPDATE store_products SET is_active = false WHERE tenant_id = %s AND id = %s RETURNING id",
        [shop.tenant, shop.products[-1]],
    ).fetchone()
    admin.commit()
    assert inactive is not None
    return {
        "P0": str(shop.products[0]),
        "P1": str(shop.products[1]),
        "UNKNOWN": str(uuid.uuid4()),
        "INACTIVE": str(inactive["id"]),
        "FOREIGN": str(other.products[0]),
    }


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, str):
        head, sep, tail = value.partition("-")
        return names.get(head, head) + sep + tail
    return value


@pytest.mark.parametrize(
    ("items", "code", "offenders"),
    [pytest.param(i, c, o, id=name) for name, i, c, o in BAD_INPUTS],
)
def test_bad_input_is_named_and_writes_nothing(
    admin: Conn,
    shop: Shop,
    customers: list[Any],
    placeholders: dict[str, str],
    items: Any,
    code: str,
    offenders: list[tuple[int, str]],
) -> None:
    with_cart, without = customers.pop(), customers.pop()
    merge(admin, shop, with_cart, [item(shop.products[5], 3)])
    before = cart_row(admin, shop, with_cart)
    for customer in (with_cart, without):
        result = merge(admin, shop, customer, _fill(items, placeholders))
        assert result["success"] is False, result
        assert result["error"] == code
        assert result["message"]
        listed = [(bad["index"], bad["reason"]) for bad in result["invalid_items"]]
        assert listed == offenders
    assert cart_row(admin, shop, with_cart) == before
    assert cart_row(admin, shop, without) is None
