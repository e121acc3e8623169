"""Store test helpers: calls as a user, a test clinic with stocked products, racing clients."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.world import make_clinic
from vete.proof.harness import Crowd
from vete.session import act_as

T = TypeVar("T")
Conn = psycopg.Connection[dict[str, Any]]


def call_as(conn: Conn, user_id: uuid.UUID, sql: str, params: dict[str, Any]) -> Any:
    """One transaction as ``user_id``: run ``sql`` (one value) and commit; returns the value."""
    with conn.transaction():
        act_as(conn, user_id=user_id, role="authenticated")
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return next(iter(row.values()))


def rpc(conn: Conn, user: uuid.UUID, function: str, **args: Any) -> Any:
    """Call a store function by named arguments as ``user``, as an RPC caller would."""
    names = ", ".join(f"{name} => %({name})s" for name in args)
    values = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in args.items()}
    return call_as(conn, user, f"SELECT {function}({names}) AS r", values)


def write_cart_directly(conn: Conn, tenant: str, customer: uuid.UUID, lines: list[Any]) -> None:
    """Write a cart row with a plain upsert as the platform, around every function (the
    way a row could hold anything before migration 015); commits."""
    conn.execute(
        "INSERT INTO store_carts (tenant_id, customer_id, items) VALUES (%s, %s, %s::jsonb)"
        " ON CONFLICT (customer_id, tenant_id) DO UPDATE SET items = EXCLUDED.items",
        [tenant, customer, json.dumps(lines)],
    )
    conn.commit()


def as_user(user_id: uuid.UUID, sql: str, params: dict[str, Any]) -> Callable[[Conn], Any]:
    """Work for one client: ``call_as`` on whatever connection runs it."""
    return lambda conn: call_as(conn, user_id, sql, params)


MERGE_SQL = (
    "SELECT merge_cart_atomic(p_customer_id => %(customer)s, p_tenant_id => %(tenant)s,"
    " p_new_items => %(items)s::jsonb, p_policy => %(policy)s) AS r"
)


def item(product: uuid.UUID, quantity: int, **extra: Any) -> dict[str, Any]:
    """A cart item as a client sends it (its price is deliberately wrong)."""
    return {
        "id": str(product),
        "type": "product",
        "name": "client name",
        "price": 1,
        "quantity": quantity,
    } | extra


@dataclass(frozen=True)
class Shop:
    """One clinic's ids: its customers and its products (all with plenty of stock)."""

    tenant: str
    customers: tuple[uuid.UUID, ...]
    products: tuple[uuid.UUID, ...]
    price: dict[uuid.UUID, str]


def make_shop(
    conn: Conn, tenant: str, *, customers: int, products: int, stock: int = 10_000
) -> Shop:
    """A test clinic (``make_clinic``) whose ``customers`` owners shop, with ``products``
    active products of ``stock`` units each; commits."""
    clinic = make_clinic(conn, tenant, owners=customers)
    goods = conn.execute(
        "INSERT INTO store_products (tenant_id, sku, name, price)"
        " SELECT %s, 'SKU-' || g, 'Product ' || g, 1000 + g * 10 FROM generate_series(1, %s) g"
        " RETURNING id, price::text AS price",
        [tenant, products],
    ).fetchall()
    conn.execute(
        "INSERT INTO store_inventory (tenant_id, product_id, stock_quantity)"
        " SELECT tenant_id, id, %s FROM store_products WHERE tenant_id = %s",
        [stock, tenant],
    )
    conn.commit()
    return Shop(
        tenant=tenant,
        customers=tuple(clinic.owners),
        products=tuple(r["id"] for r in goods),
        price={r["id"]: r["price"] for r in goods},
    )


def cart_quantities(conn: Conn, tenant: str, customer: uuid.UUID) -> dict[str, int]:
    """The cart as {line id: quantity}, read by an independent query as the platform."""
    rows = conn.execute(
        "SELECT l ->> 'id' AS id, (l ->> 'quantity')::int AS q FROM store_carts c,"
        " jsonb_array_elements(c.items) l WHERE c.tenant_id = %s AND c.customer_id = %s",
        [tenant, customer],
    ).fetchall()
    conn.commit()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), f"duplicate cart lines: {ids}"
    return {r["id"]: r["q"] for r in rows}


class Clients(Crowd):
    """The product's race harness (``vete race``) for store tests: N connections opened
    once, each round released together by one barrier."""

    def run(self, work: Sequence[Callable[[Conn], T]]) -> list[T]:
        """Run work[i] on connection i, all released together; results in order. The first
        exception a client raised is raised here."""
        calls = self.round(lambda i, conn, _: work[i](conn), None)
        for call in calls:
            if isinstance(call.result, BaseException):
                raise call.result
        return [call.result for call in calls]


@pytest.fixture(scope="module")
def clients(database_url: str) -> Iterator[Callable[[int], Clients]]:
    """Returns a function giving n client connections, opened once per module and size."""
    opened: dict[int, Clients] = {}

    def open_clients(n: int) -> Clients:
        if n not in opened:
            opened[n] = Clients(database_url, n)
        return opened[n]

    yield open_clients
    for c in opened.values():
        c.close()


@pytest.fixture(scope="module")
def admin(database_url: str) -> Iterator[Conn]:
    """A direct (platform) connection for setup and independent checks."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        yield conn
