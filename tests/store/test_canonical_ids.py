"""One product is one cart line and one stock count, however its uuid is spelled.

PostgreSQL's uuid input takes upper case, braces, no hyphens and a hyphen after any four
digits. Before migration 015 the cart functions grouped lines by the id's raw text, so
``…c5b`` and ``…C5B`` were two lines, each clamped to the whole stock, and checkout then
checked stock per line and decremented it once: stock 5 sold 20 (audit, issue 13). Now
every id is stored in its canonical spelling, and checkout counts units per product.

Every sale is judged by an independent query on the tables: units sold (order lines)
never exceed the stock there was, and stock went down by exactly the units sold.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.store.conftest import (
    Clients,
    Conn,
    Shop,
    as_user,
    call_as,
    make_shop,
    rpc,
    write_cart_directly,
)

PRODUCT = uuid.UUID("0c5bfa7e-9f3d-4b2e-8a6c-1d2e3f4a5c5b")
CANONICAL = str(PRODUCT)
HEX = CANONICAL.replace("-", "")
#: Every other spelling of PRODUCT that PostgreSQL's uuid input accepts.
SPELLINGS = {
    "upper case": CANONICAL.upper(),
    "mixed case": CANONICAL[:-3] + "C5B",
    "braces": "{" + CANONICAL + "}",
    "braces, upper case": "{" + CANONICAL.upper() + "}",
    "no hyphens": HEX,
    "no hyphens, upper case": HEX.upper(),
    "a hyphen every four digits": "-".join(HEX[i : i + 4] for i in range(0, 32, 4)),
    "some hyphens": CANONICAL[:8] + CANONICAL[9:],
}
CHECKOUT = "SELECT checkout_cart(p_tenant_id => %(tenant)s, p_idempotency_key => %(key)s) AS r"


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    shop = make_shop(admin, "spelling", customers=90, products=1)
    admin.execute(
        "INSERT INTO store_products (tenant_id, id, sku, name, price)"
        " VALUES (%s, %s, 'C5B', 'Pipeta', 65000)",
        [shop.tenant, PRODUCT],
    )
    admin.execute(
        "INSERT INTO store_inventory (tenant_id, product_id, stock_quantity) VALUES (%s, %s, 0)",
        [shop.tenant, PRODUCT],
    )
    admin.commit()
    return shop


@pytest.fixture(scope="module")
def customers(shop: Shop) -> Iterator[uuid.UUID]:
    return iter(shop.customers)


def set_stock(admin: Conn, shop: Shop, stock: int) -> None:
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = %s WHERE tenant_id = %s AND product_id = %s",
        [stock, shop.tenant, PRODUCT],
    )
    admin.commit()


def sold_and_stock(admin: Conn, shop: Shop) -> tuple[int, int]:
    """Units of PRODUCT in order lines, and its stock now: read from the tables."""
    row = admin.execute(
        "SELECT (SELECT coalesce(sum(quantity), 0) FROM store_order_items"
        "         WHERE tenant_id = %(t)s AND product_id = %(p)s)::int AS sold,"
        "       (SELECT stock_quantity FROM store_inventory"
        "         WHERE tenant_id = %(t)s AND product_id = %(p)s) AS stock",
        {"t": shop.tenant, "p": PRODUCT},
    ).fetchone()
    admin.commit()
    assert row is not None
    return row["sold"], row["stock"]


class Sales:
    """What the tables say was sold of PRODUCT since this object was made."""

    def __init__(self, admin: Conn, shop: Shop, stock: int) -> None:
        set_stock(admin, shop, stock)
        self.admin, self.shop, self.stock = admin, shop, stock
        self.sold_before, _ = sold_and_stock(admin, shop)

    def sold(self) -> int:
        """Units sold since; asserts the two invariants checkout must keep."""
        sold, stock = sold_and_stock(self.admin, self.shop)
        sold -= self.sold_before
        assert sold <= self.stock, f"sold {sold} units of a stock of {self.stock}"
        assert self.stock - stock == sold, f"sold {sold} but stock went {self.stock} -> {stock}"
        return sold


def line(item_id: str, quantity: int) -> dict[str, Any]:
    return {"id": item_id, "type": "product", "quantity": quantity}


def stored_lines(admin: Conn, shop: Shop, customer: uuid.UUID) -> list[dict[str, Any]]:
    row = admin.execute(
        "SELECT items FROM store_carts WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    ).fetchone()
    admin.commit()
    return [] if row is None else list(row["items"])


def checkout(admin: Conn, shop: Shop, customer: uuid.UUID) -> Any:
    return call_as(admin, customer, CHECKOUT, {"tenant": shop.tenant, "key": uuid.uuid4().hex})


@pytest.mark.parametrize("policy", ["max", "sum"])
def test_case_variants_in_one_merge_are_one_line_and_checkout_sells_at_most_the_stock(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], policy: str
) -> None:
    customer, sales = next(customers), Sales(admin, shop, stock=5)
    variants = [CANONICAL, CANONICAL.upper(), CANONICAL[:-3] + "C5B", CANONICAL[:-1] + "B"]

    merged = rpc(
        admin,
        customer,
        "merge_cart_atomic",
        p_customer_id=customer,
        p_tenant_id=shop.tenant,
        p_new_items=[line(v, 5) for v in variants],
        p_policy=policy,
    )

    assert merged["success"] is True, merged
    cart = [(x["id"], x["quantity"]) for x in stored_lines(admin, shop, customer)]
    assert checkout(admin, shop, customer)["success"] is True
    assert sales.sold() == 5
    assert cart == [(CANONICAL, 5)]


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_spelling_postgresql_accepts_joins_the_one_canonical_line(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], spelling: str
) -> None:
    customer = next(customers)
    set_stock(admin, shop, 100)
    first = rpc(
        admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(CANONICAL, 1)
    )
    assert first["success"] is True, first

    again = rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(spelling, 2))

    assert again["success"] is True, again
    assert [(x["id"], x["quantity"]) for x in again["items"]] == [(CANONICAL, 3)]
    assert [(x["id"], x["quantity"]) for x in stored_lines(admin, shop, customer)] == [
        (CANONICAL, 3)
    ]


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_first_write_in_another_spelling_stores_the_canonical_id(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], spelling: str
) -> None:
    customer = next(customers)
    set_stock(admin, shop, 100)
    result = rpc(
        admin,
        customer,
        "merge_cart_atomic",
        p_customer_id=customer,
        p_tenant_id=shop.tenant,
        p_new_items=[line(spelling, 2)],
    )
    assert result["success"] is True, result
    assert [x["id"] for x in stored_lines(admin, shop, customer)] == [CANONICAL]


def test_adds_and_sets_in_case_variants_keep_one_line_and_checkout_sells_at_most_the_stock(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer, sales = next(customers), Sales(admin, shop, stock=3)
    for spelling in (CANONICAL, CANONICAL.upper(), "{" + CANONICAL + "}", HEX):
        rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(spelling, 3))
    for spelling in (CANONICAL[:-3] + "C5B", HEX.upper()):
        rpc(
            admin,
            customer,
            "set_cart_item_quantity",
            p_tenant_id=shop.tenant,
            p_item_id=spelling,
            p_item_type="product",
            p_quantity=3,
        )

    cart = [(x["id"], x["quantity"]) for x in stored_lines(admin, shop, customer)]
    assert checkout(admin, shop, customer)["success"] is True
    assert sales.sold() == 3
    assert cart == [(CANONICAL, 3)]


def test_setting_zero_in_another_spelling_removes_the_line(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    set_stock(admin, shop, 100)
    rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(CANONICAL, 4))
    result = rpc(
        admin,
        customer,
        "set_cart_item_quantity",
        p_tenant_id=shop.tenant,
        p_item_id=CANONICAL.upper(),
        p_item_type="product",
        p_quantity=0,
    )
    assert result["items"] == []
    assert stored_lines(admin, shop, customer) == []


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_removing_in_another_spelling_removes_the_line(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], spelling: str
) -> None:
    customer = next(customers)
    set_stock(admin, shop, 100)
    rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(CANONICAL, 4))
    result = rpc(
        admin,
        customer,
        "remove_cart_item",
        p_tenant_id=shop.tenant,
        p_item_id=spelling,
        p_item_type="product",
    )
    assert (result["removed"], result["items"]) == (True, [])
    assert stored_lines(admin, shop, customer) == []


@pytest.mark.parametrize(
    "text",
    [
        " " + CANONICAL,
        CANONICAL + " ",
        CANONICAL + "\n",
        "{" + CANONICAL,
        CANONICAL + "0",
        "c" + HEX,
    ],
)
def test_what_postgresql_does_not_read_as_a_uuid_is_not_a_product(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], text: str
) -> None:
    customer = next(customers)
    result = rpc(admin, customer, "add_cart_item", p_tenant_id=shop.tenant, p_item=line(text, 1))
    assert (result["success"], result["error"]) == (False, "ITEM_NOT_FOUND")
    assert [b["reason"] for b in result["invalid_items"]] == ["PRODUCT_NOT_FOUND"]
    assert stored_lines(admin, shop, customer) == []


def test_service_line_ids_are_stored_in_lower_case(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer = next(customers)
    service = admin.execute(
        "INSERT INTO services (tenant_id, name, base_price) VALUES (%s, 'Vacuna', 90000)"
        " RETURNING id",
        [shop.tenant],
    ).fetchone()["id"]  # type: ignore[index]
    pet = admin.execute(
        "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, 'Luna') RETURNING id",
        [shop.tenant, customer],
    ).fetchone()["id"]  # type: ignore[index]
    admin.commit()
    canonical = f"{service}-{pet}-Anual"
    upper = f"{str(service).upper()}-{str(pet).upper()}-Anual"
    result = rpc(
        admin,
        customer,
        "merge_cart_atomic",
        p_customer_id=customer,
        p_tenant_id=shop.tenant,
        p_new_items=[
            {"id": canonical, "type": "service", "quantity": 1},
            {"id": upper, "type": "service", "quantity": 1},
        ],
        p_policy="sum",
    )
    assert result["success"] is True, result
    assert [(x["id"], x["quantity"]) for x in stored_lines(admin, shop, customer)] == [
        (canonical, 2)
    ]


def test_checkout_counts_the_units_of_duplicate_lines_already_stored_together(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]
) -> None:
    customer, sales = next(customers), Sales(admin, shop, stock=5)
    write_cart_directly(
        admin, shop.tenant, customer, [line(CANONICAL, 3), line(CANONICAL.upper(), 3)]
    )

    short = checkout(admin, shop, customer)

    assert (short["success"], short["error"]) == (False, "OUT_OF_STOCK")
    assert [(b["id"], b["requested"], b["available"]) for b in short["invalid_items"]] == [
        (CANONICAL, 6, 5)
    ]
    assert sales.sold() == 0

    sales = Sales(admin, shop, stock=6)
    placed = checkout(admin, shop, customer)
    assert placed["success"] is True, placed
    assert sales.sold() == 6
    assert {x["id"] for x in placed["items"]} == {CANONICAL}


@pytest.mark.parametrize("quantity", [0, -4, 101, 2.5, "3", None])
def test_checkout_refuses_a_stored_line_whose_quantity_is_not_1_to_100(
    admin: Conn, shop: Shop, customers: Iterator[uuid.UUID], quantity: Any
) -> None:
    customer, sales = next(customers), Sales(admin, shop, stock=50)
    write_cart_directly(
        admin,
        shop.tenant,
        customer,
        [line(CANONICAL, 1), {**line(str(shop.products[0]), 1), "quantity": quantity}],
    )

    refused = checkout(admin, shop, customer)

    assert (refused["success"], refused["error"]) == (False, "INVALID_ITEMS")
    assert [(b["index"], b["reason"]) for b in refused["invalid_items"]] == [
        (1, "INVALID_QUANTITY")
    ]
    assert sales.sold() == 0


BUYERS = 8


@pytest.mark.parametrize("rnd", range(3))
def test_concurrent_checkouts_of_stored_duplicate_lines_never_oversell(
    admin: Conn,
    shop: Shop,
    customers: Iterator[uuid.UUID],
    clients: Callable[[int], Clients],
    rnd: int,
) -> None:
    """Each buyer's cart holds two spellings of the product, 1 unit each: 2 units a buyer."""
    buyers = [next(customers) for _ in range(BUYERS)]
    sales = Sales(admin, shop, stock=5)
    for buyer in buyers:
        write_cart_directly(
            admin, shop.tenant, buyer, [line(CANONICAL, 1), line(CANONICAL.upper(), 1)]
        )

    results = clients(BUYERS).run(
        [as_user(buyer, CHECKOUT, {"tenant": shop.tenant, "key": f"dup-{rnd}"}) for buyer in buyers]
    )

    won = [r for r in results if r["success"]]
    assert {r["error"] for r in results if not r["success"]} == {"OUT_OF_STOCK"}
    assert len(won) == 2  # 2 + 2 units of 5; the third buyer finds 1
    assert sales.sold() == 4
