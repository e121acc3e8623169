"""A merge clamps to stock, 100 per line and 50 lines, prices from the catalog, and says so."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.store.conftest import Conn, Shop, item, make_shop
from vete import store
from vete.errors import InvalidInput, NotFound
from vete.session import act_as


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "adjust", customers=20, products=80, stock=1000)


@pytest.fixture(scope="module")
def customers(shop: Shop) -> Iterator[uuid.UUID]:
    return iter(shop.customers)


@dataclass(frozen=True)
class Shopper:
    """This test's own customer, merging through the Python API as themselves."""

    admin: Conn
    shop: Shop
    customer: uuid.UUID

    def merge(self, items: list[dict[str, Any]], policy: store.MergePolicy = "max") -> store.Cart:
        with self.admin.transaction():
            act_as(self.admin, user_id=self.customer, role="authenticated")
            return store.merge_cart(
                self.admin,
                tenant_id=self.shop.tenant,
                customer_id=self.customer,
                items=items,
                policy=policy,
            )


@pytest.fixture
def shopper(admin: Conn, shop: Shop, customers: Iterator[uuid.UUID]) -> Shopper:
    return Shopper(admin, shop, next(customers))


def set_stock(admin: Conn, shop: Shop, product: uuid.UUID, stock: int, reserved: int = 0) -> None:
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = %s, reserved_quantity = %s"
        " WHERE tenant_id = %s AND product_id = %s",
        [stock, reserved, shop.tenant, product],
    )
    admin.commit()


def adjustments(cart: store.Cart) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    return {a.id: (a.requested_quantity, a.quantity, a.reasons) for a in cart.adjustments}


def test_quantity_is_clamped_to_units_available(admin: Conn, shop: Shop, shopper: Shopper) -> None:
    product = shop.products[10]
    set_stock(admin, shop, product, stock=5, reserved=2)
    cart = shopper.merge([item(product, 7, price=float(shop.price[product]))])
    assert [(line.id, line.quantity) for line in cart.lines] == [(str(product), 3)]
    assert adjustments(cart) == {str(product): (7, 3, ("STOCK_LIMIT",))}


def test_out_of_stock_line_is_dropped_and_reported(
    admin: Conn, shop: Shop, shopper: Shopper
) -> None:
    product, other = shop.products[11], shop.products[12]
    set_stock(admin, shop, product, stock=0)
    cart = shopper.merge([item(product, 2), item(other, 1)])
    assert [line.id for line in cart.lines] == [str(other)]
    assert adjustments(cart)[str(product)] == (2, 0, ("OUT_OF_STOCK", "PRICE_FROM_CATALOG"))


def test_sum_is_capped_at_100_per_line(shop: Shop, shopper: Shopper) -> None:
    product = shop.products[13]
    shopper.merge([{"id": str(product), "type": "product", "quantity": 80}])
    cart = shopper.merge([{"id": str(product), "type": "product", "quantity": 80}], "sum")
    assert cart.lines[0].quantity == 100
    assert cart.adjustments[0].reasons == ("LINE_MAX",)
    assert cart.adjustments[0].requested_quantity == 160


def test_cart_keeps_at_most_50_lines(shop: Shop, shopper: Shopper) -> None:
    # Products 20..74 are touched by no other test of this module.
    first = [{"id": str(p), "type": "product", "quantity": 1} for p in shop.products[20:65]]
    more = [{"id": str(p), "type": "product", "quantity": 1} for p in shop.products[65:75]]
    shopper.merge(first)
    cart = shopper.merge(more)
    assert cart.item_count == len(cart.lines) == 50
    assert [line.id for line in cart.lines] == [str(p) for p in shop.products[20:70]]
    dropped = {a.id: a.reasons for a in cart.adjustments}
    assert dropped == {str(p): ("CART_LINE_LIMIT",) for p in shop.products[70:75]}


def test_prices_come_from_the_catalog(shop: Shop, shopper: Shopper) -> None:
    cheap, honest = shop.products[14], shop.products[15]
    cart = shopper.merge(
        [item(cheap, 1, price=0.01), {"id": str(honest), "type": "product", "quantity": 2}]
    )
    assert {line.id: line.price for line in cart.lines} == {
        str(cheap): Decimal(shop.price[cheap]),
        str(honest): Decimal(shop.price[honest]),
    }
    assert cart.total == Decimal(shop.price[cheap]) + 2 * Decimal(shop.price[honest])
    [adjusted] = cart.adjustments
    assert (adjusted.id, adjusted.client_price, adjusted.reasons) == (
        str(cheap),
        0.01,
        ("PRICE_FROM_CATALOG",),
    )


def test_withdrawn_product_leaves_the_cart_on_the_next_merge(
    admin: Conn, shop: Shop, shopper: Shopper
) -> None:
    gone, kept = shop.products[16], shop.products[17]
    shopper.merge([{"id": str(gone), "type": "product", "quantity": 1}])
    admin.execute(
        "UPDATE store_products SET is_active = false WHERE tenant_id = %s AND id = %s",
        [shop.tenant, gone],
    )
    admin.commit()
    cart = shopper.merge([{"id": str(kept), "type": "product", "quantity": 1}])
    assert [line.id for line in cart.lines] == [str(kept)]
    assert adjustments(cart) == {str(gone): (1, 0, ("UNAVAILABLE",))}


@pytest.fixture(scope="module")
def grooming(admin: Conn, shop: Shop) -> dict[str, Any]:
    """A service, an inactive one, and a pet for each of the first two customers."""
    row = admin.execute(
        "INSERT INTO services (tenant_id, name, base_price) VALUES"
        " (%(t)s, 'Baño y corte', 85000), (%(t)s, 'Retirado', 1)"
        " RETURNING id",
        {"t": shop.tenant},
    ).fetchall()
    admin.execute(
        "UPDATE services SET is_active = false WHERE tenant_id = %s AND id = %s",
        [shop.tenant, row[1]["id"]],
    )
    admin.commit()
    return {"service": row[0]["id"], "retired": row[1]["id"]}


def pet_of(admin: Conn, shop: Shop, owner: uuid.UUID) -> uuid.UUID:
    row = admin.execute(
        "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, 'Firulais') RETURNING id",
        [shop.tenant, owner],
    ).fetchone()
    admin.commit()
    assert row is not None
    return uuid.UUID(str(row["id"]))


def test_service_lines_are_kept_and_priced_from_services(
    admin: Conn, shop: Shop, shopper: Shopper, grooming: dict[str, Any]
) -> None:
    pet = pet_of(admin, shop, shopper.customer)
    line_id = f"{grooming['service']}-{pet}-grande"
    cart = shopper.merge(
        [{"id": line_id, "type": "service", "name": "x", "price": 1, "quantity": 1}]
    )
    [line] = cart.lines
    assert (line.id, line.type, line.name, line.price) == (
        line_id,
        "service",
        "Baño y corte",
        Decimal(85000),
    )


def test_service_line_needs_an_active_service_and_the_customers_pet(
    admin: Conn, shop: Shop, shopper: Shopper, grooming: dict[str, Any]
) -> None:
    own_pet = pet_of(admin, shop, shopper.customer)
    strangers_pet = pet_of(admin, shop, shop.customers[-1])
    items = [
        {"id": f"{grooming['service']}-{strangers_pet}-m", "type": "service", "quantity": 1},
        {"id": f"{grooming['retired']}-{own_pet}-m", "type": "service", "quantity": 1},
    ]
    with pytest.raises(NotFound) as caught:
        shopper.merge(items)
    assert caught.value.code == "ITEM_NOT_FOUND"
    assert f"#0 (id='{items[0]['id']}'): PET_NOT_FOUND" in caught.value.message
    assert f"#1 (id='{items[1]['id']}'): SERVICE_NOT_FOUND" in caught.value.message


def test_python_api_raises_invalid_input_listing_the_items(
    shopper: Shopper,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        shopper.merge(
            [{"type": "product", "quantity": 1}, {"id": "x", "type": "product", "quantity": 0}]
        )
    assert caught.value.code == "INVALID_ITEMS"
    assert "#0 (id=None): MISSING_ID" in caught.value.message
    assert "#1 (id='x'): INVALID_QUANTITY" in caught.value.message
