"""A customer reaches only their own cart, in clinics they belong to; identity is the session's."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from tests.store.conftest import Conn, Shop, item, make_shop, rpc
from vete.session import act_as

UNAUTHORIZED = {"success": False, "error": "UNAUTHORIZED"}


@pytest.fixture(scope="module")
def clinics(admin: Conn) -> dict[str, Any]:
    """Clinic "north" (customers ana, ben; vet vera) and clinic "south", where ana also shops."""
    north = make_shop(admin, "north", customers=2, products=3)
    south = make_shop(admin, "south", customers=1, products=3)
    ana, ben = north.customers
    vera = uuid.uuid4()
    admin.execute(
        "INSERT INTO profiles (tenant_id, id, role, full_name) VALUES"
        " ('south', %s, 'owner', 'Ana'), ('north', %s, 'vet', 'Vera')",
        [ana, vera],
    )
    admin.commit()
    return {"north": north, "south": south, "ana": ana, "ben": ben, "vera": vera}


def merge(conn: Conn, user: uuid.UUID, customer: uuid.UUID, shop: Shop, n: int = 1) -> Any:
    items = [item(shop.products[0], n)]
    return rpc(
        conn,
        user,
        "merge_cart_atomic",
        p_customer_id=customer,
        p_tenant_id=shop.tenant,
        p_new_items=items,
    )


def subset(result: dict[str, Any]) -> dict[str, Any]:
    return {k: result[k] for k in ("success", "error")}


def test_customer_cannot_merge_into_another_customers_cart(
    admin: Conn, clinics: dict[str, Any]
) -> None:
    north, ana, ben = clinics["north"], clinics["ana"], clinics["ben"]
    assert merge(admin, ben, ben, north, 2)["success"] is True
    assert subset(merge(admin, ana, ben, north, 9)) == UNAUTHORIZED
    assert rpc(admin, ben, "get_cart", p_tenant_id="north")["items"][0]["quantity"] == 2


def test_customer_cannot_read_another_customers_cart(admin: Conn, clinics: dict[str, Any]) -> None:
    ana, ben = clinics["ana"], clinics["ben"]
    merge(admin, ben, ben, clinics["north"])
    assert subset(rpc(admin, ana, "get_cart", p_tenant_id="north", p_customer_id=ben)) == (
        UNAUTHORIZED
    )
    with admin.transaction():
        act_as(admin, user_id=ana, role="authenticated")
        rows = admin.execute("SELECT customer_id FROM store_carts").fetchall()
    assert {r["customer_id"] for r in rows} <= {ana}


def test_customer_cannot_check_out_another_customers_cart(
    admin: Conn, clinics: dict[str, Any]
) -> None:
    ana, ben = clinics["ana"], clinics["ben"]
    merge(admin, ben, ben, clinics["north"])
    result = rpc(
        admin, ana, "checkout_cart", p_tenant_id="north", p_idempotency_key="x", p_customer_id=ben
    )
    assert subset(result) == UNAUTHORIZED
    assert rpc(admin, ben, "get_cart", p_tenant_id="north")["item_count"] == 1


def test_no_cart_in_a_clinic_one_does_not_belong_to(admin: Conn, clinics: dict[str, Any]) -> None:
    ben, south = clinics["ben"], clinics["south"]
    assert subset(merge(admin, ben, ben, south)) == UNAUTHORIZED
    assert subset(rpc(admin, ben, "get_cart", p_tenant_id="south")) == UNAUTHORIZED
    assert subset(rpc(admin, ben, "clear_cart", p_tenant_id="south")) == UNAUTHORIZED
    count = admin.execute(
        "SELECT count(*) AS n FROM store_carts WHERE tenant_id = 'south' AND customer_id = %s",
        [ben],
    ).fetchone()
    admin.commit()
    assert count == {"n": 0}


def test_one_users_carts_in_two_clinics_stay_apart(admin: Conn, clinics: dict[str, Any]) -> None:
    ana, north, south = clinics["ana"], clinics["north"], clinics["south"]
    merge(admin, ana, ana, north, 3)
    assert rpc(admin, ana, "get_cart", p_tenant_id="south")["items"] == []
    # North's product is not for sale in south's cart.
    foreign = rpc(
        admin,
        ana,
        "merge_cart_atomic",
        p_customer_id=ana,
        p_tenant_id="south",
        p_new_items=[item(north.products[1], 1)],
    )
    assert (foreign["error"], foreign["invalid_items"][0]["reason"]) == (
        "ITEM_NOT_FOUND",
        "PRODUCT_NOT_FOUND",
    )
    assert merge(admin, ana, ana, south, 1)["items"][0]["id"] == str(south.products[0])
    north_cart = rpc(admin, ana, "get_cart", p_tenant_id="north")
    assert [line["id"] for line in north_cart["items"]] == [str(north.products[0])]


def test_staff_see_clinic_carts_but_do_not_write_them(admin: Conn, clinics: dict[str, Any]) -> None:
    vera, ben = clinics["vera"], clinics["ben"]
    merge(admin, ben, ben, clinics["north"])
    with admin.transaction():
        act_as(admin, user_id=vera, role="authenticated")
        seen = admin.execute("SELECT customer_id FROM store_carts").fetchall()
    assert ben in {r["customer_id"] for r in seen}
    assert subset(merge(admin, vera, ben, clinics["north"])) == UNAUTHORIZED


def run_as(conn: Conn, user: uuid.UUID, role: str, statement: str) -> None:
    """One transaction as ``user`` in ``role`` running ``statement``; rolled back on error."""
    with conn.transaction():
        act_as(conn, user_id=user, role=role)
        conn.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE store_carts SET items = '[]'",
        "INSERT INTO store_carts (tenant_id, customer_id) VALUES ('north', gen_random_uuid())",
        "UPDATE store_inventory SET stock_quantity = 0",
        "UPDATE store_products SET price = 0",
        "INSERT INTO store_orders (tenant_id, customer_id, idempotency_key, total, item_count)"
        " VALUES ('north', gen_random_uuid(), 'k', 0, 1)",
        "SELECT vete.store_cart_apply('north', gen_random_uuid(), '[]', 'sum')",
    ],
)
def test_signed_in_users_write_only_through_the_functions(
    admin: Conn, clinics: dict[str, Any], statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_as(admin, clinics["ana"], "authenticated", statement)


def test_anonymous_callers_cannot_use_carts(admin: Conn, clinics: dict[str, Any]) -> None:
    merge_sql = (
        "SELECT merge_cart_atomic(p_customer_id => gen_random_uuid(), p_tenant_id => 'north',"
        " p_new_items => '[]')"
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        run_as(admin, clinics["ana"], "anon", merge_sql)


def test_a_forged_customer_argument_is_refused(admin: Conn, clinics: dict[str, Any]) -> None:
    """p_customer_id is checked against the JWT sub, never trusted."""
    ana, ben = clinics["ana"], clinics["ben"]
    forged = rpc(
        admin,
        ana,
        "add_cart_item",
        p_tenant_id="north",
        p_customer_id=ben,
        p_item=item(clinics["north"].products[2], 1),
    )
    assert subset(forged) == UNAUTHORIZED
