"""Stock is public for products on sale only: the inventory of a withdrawn (inactive or
deleted) product is the clinic's business, visible to its staff and to no one else.

Read as PostgREST reads: ``SET LOCAL ROLE`` with the request's JWT claims, straight from
the table (row-level security decides) and through the shop's product list.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.store.conftest import Conn, Shop, make_shop
from vete import reads
from vete.session import Role, act_as


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    """Products: 0 on sale, 1 inactive, 2 deleted; customer 0 an owner, 1 a vet."""
    shop = make_shop(admin, "stockroom", customers=2, products=3, stock=7)
    admin.execute(
        "UPDATE store_products SET is_active = false WHERE tenant_id = %s AND id = %s",
        [shop.tenant, shop.products[1]],
    )
    admin.execute(
        "UPDATE store_products SET deleted_at = now() WHERE tenant_id = %s AND id = %s",
        [shop.tenant, shop.products[2]],
    )
    admin.execute(
        "UPDATE profiles SET role = 'vet' WHERE tenant_id = %s AND id = %s",
        [shop.tenant, shop.customers[1]],
    )
    make_shop(admin, "elsewhere", customers=1, products=1)
    admin.commit()
    return shop


def visible_stock(admin: Conn, shop: Shop, user: uuid.UUID | None, role: Role) -> set[uuid.UUID]:
    """The products of the shop whose inventory row the caller can read."""
    with admin.transaction(force_rollback=True):
        act_as(admin, user_id=user, role=role)
        rows = admin.execute(
            "SELECT product_id FROM store_inventory WHERE tenant_id = %s", [shop.tenant]
        ).fetchall()
    return {r["product_id"] for r in rows}


def test_anon_reads_the_stock_of_products_on_sale_only(admin: Conn, shop: Shop) -> None:
    assert visible_stock(admin, shop, None, "anon") == {shop.products[0]}


def test_a_customer_reads_the_stock_of_products_on_sale_only(admin: Conn, shop: Shop) -> None:
    assert visible_stock(admin, shop, shop.customers[0], "authenticated") == {shop.products[0]}


def test_staff_of_the_clinic_read_all_its_stock(admin: Conn, shop: Shop) -> None:
    assert visible_stock(admin, shop, shop.customers[1], "authenticated") == set(shop.products)


def test_staff_of_another_clinic_read_the_stock_of_products_on_sale_only(
    admin: Conn, shop: Shop
) -> None:
    other_vet = uuid.uuid4()
    admin.execute(
        "INSERT INTO profiles (tenant_id, id, role, full_name)"
        " VALUES ('elsewhere', %s, 'vet', 'V')",
        [other_vet],
    )
    admin.commit()
    assert visible_stock(admin, shop, other_vet, "authenticated") == {shop.products[0]}


def test_the_shop_lists_products_on_sale_with_their_stock(admin: Conn, shop: Shop) -> None:
    with admin.transaction(force_rollback=True):
        act_as(admin, user_id=None, role="anon")
        products: list[Any] = reads.products(admin, tenant_id=shop.tenant)
    assert [(p.id, p.available) for p in products] == [(shop.products[0], 7)]
