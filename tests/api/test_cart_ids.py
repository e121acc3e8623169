"""Over HTTP, one product is one cart line and one stock count, however its id is spelled.

The audit's attack: the same product added (or merged at sign-in) under case variants of
its uuid became several lines, each clamped to the whole stock; checkout answered 201 and
sold 12 units of a stock of 3. Sales are judged by an independent query on the tables.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from tests.api.conftest import JORGE, MARIA

BASE = "/api/clinics/adris"


@pytest.fixture(scope="module")
def bed(demo_url: str) -> str:
    """The demo's bed (3 in stock), as canonical text."""
    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT id::text FROM store_products WHERE tenant_id = 'adris' AND sku = 'CAMA-PERRO-M'"
        ).fetchone()
    assert row is not None
    return str(row[0])


def spellings(canonical: str) -> list[str]:
    hex_ = canonical.replace("-", "")
    return [
        canonical,
        canonical.upper(),
        canonical[:-2] + canonical[-2:].upper(),
        "{" + canonical + "}",
        hex_,
    ]


class Stock:
    """Stock set to ``units`` now; :meth:`sold` reads the units sold since from the tables."""

    def __init__(self, url: str, product: str, units: int) -> None:
        self.url, self.product, self.units = url, product, units
        with psycopg.connect(url) as conn:
            conn.execute(
                "UPDATE store_inventory SET stock_quantity = %s"
                " WHERE tenant_id = 'adris' AND product_id = %s",
                [units, product],
            )
        self.before = self._sold_and_stock()[0]

    def _sold_and_stock(self) -> tuple[int, int]:
        with psycopg.connect(self.url) as conn:
            row = conn.execute(
                "SELECT (SELECT coalesce(sum(quantity), 0)::int FROM store_order_items"
                "         WHERE tenant_id = 'adris' AND product_id = %(p)s),"
                "       (SELECT stock_quantity FROM store_inventory"
                "         WHERE tenant_id = 'adris' AND product_id = %(p)s)",
                {"p": self.product},
            ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1])

    def sold(self) -> int:
        sold, stock = self._sold_and_stock()
        sold -= self.before
        assert sold <= self.units, f"sold {sold} of a stock of {self.units}"
        assert self.units - stock == sold, f"sold {sold} but stock went {self.units} -> {stock}"
        return sold


def lines(response: Any) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.text
    return [(x["id"], x["quantity"]) for x in response.json()["lines"]]


def test_adding_one_product_under_several_spellings_sells_at_most_its_stock(
    client, auth, demo_url, bed
) -> None:
    stock = Stock(demo_url, bed, 3)
    for spelling in spellings(bed):
        r = client.post(
            f"{BASE}/cart/items",
            json={"id": spelling, "type": "product", "quantity": 3},
            headers=auth(JORGE),
        )
        assert r.status_code == 200, r.text
    for spelling in spellings(bed)[1:3]:
        r = client.put(
            f"{BASE}/cart/items/product/{spelling}", json={"quantity": 3}, headers=auth(JORGE)
        )
    cart = lines(r)

    placed = client.post(
        f"{BASE}/checkout", headers={**auth(JORGE), "Idempotency-Key": uuid.uuid4().hex}
    )

    assert placed.status_code == 201, placed.text
    assert stock.sold() == 3
    assert cart == [(bed, 3)]


def test_merging_one_product_under_several_spellings_sells_at_most_its_stock(
    client, auth, demo_url, bed
) -> None:
    stock = Stock(demo_url, bed, 3)
    r = client.post(
        f"{BASE}/cart/merge",
        json={
            "items": [{"id": s, "type": "product", "quantity": 3} for s in spellings(bed)],
            "policy": "sum",
        },
        headers=auth(MARIA),
    )
    cart = lines(r)

    placed = client.post(
        f"{BASE}/checkout", headers={**auth(MARIA), "Idempotency-Key": uuid.uuid4().hex}
    )

    assert placed.status_code == 201, placed.text
    assert stock.sold() == 3
    assert cart == [(bed, 3)]


def test_removing_a_line_by_another_spelling_removes_it(client, auth, demo_url, bed) -> None:
    Stock(demo_url, bed, 3)
    added = client.post(
        f"{BASE}/cart/items",
        json={"id": bed, "type": "product", "quantity": 1},
        headers=auth(JORGE),
    )
    assert lines(added) == [(bed, 1)]
    r = client.delete(f"{BASE}/cart/items/product/{bed.upper()}", headers=auth(JORGE))
    assert r.status_code == 200, r.text
    assert r.json()["removed"] is True
    assert bed not in [x["id"] for x in r.json()["lines"]]
