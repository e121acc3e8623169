"""Cart and checkout over HTTP: each endpoint, idempotent checkout, and every error class."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.api.conftest import FIRULAIS, JORGE, MARIA, SOFIA, assert_problem


@pytest.fixture(scope="module")
def products(demo_url):
    with psycopg.connect(demo_url) as conn:
        rows = conn.execute("SELECT sku, id::text FROM store_products WHERE tenant_id = 'adris'")
        return dict(rows.fetchall())


def count_orders(url: str, key: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM store_orders WHERE idempotency_key = %s", [key])
        return int(row.fetchone()[0])


def test_cart_edits_and_checkout_once_per_key(client, auth, products, demo_url):
    base = "/api/clinics/adris"
    assert client.get(f"{base}/cart", headers=auth(MARIA)).json()["lines"] == []
    pipeta, shampoo = products["PIPETA-PERRO-M"], products["SHAMPOO-HIPO"]
    r = client.post(
        f"{base}/cart/items",
        json={"id": pipeta, "type": "product", "quantity": 2, "price": 1},
        headers=auth(MARIA),
    )
    assert r.status_code == 200, r.text
    assert float(r.json()["lines"][0]["price"]) == 65000  # the catalog's, not the 1 sent
    r = client.put(
        f"{base}/cart/items/product/{shampoo}", json={"quantity": 3}, headers=auth(MARIA)
    )
    assert r.json()["item_count"] == 2
    r = client.delete(f"{base}/cart/items/product/{shampoo}", headers=auth(MARIA))
    assert r.json()["removed"] is True
    assert r.json()["item_count"] == 1
    key = "order-" + uuid.uuid4().hex
    first = client.post(f"{base}/checkout", headers={**auth(MARIA), "Idempotency-Key": key})
    assert first.status_code == 201, first.text
    again = client.post(f"{base}/checkout", headers={**auth(MARIA), "Idempotency-Key": key})
    assert again.status_code == 201
    assert again.json()["replayed"] is True
    assert again.json()["order_id"] == first.json()["order_id"]
    assert count_orders(demo_url, key) == 1
    empty = client.post(f"{base}/checkout", headers={**auth(MARIA), "Idempotency-Key": "k2" + key})
    assert_problem(empty, 409, "CART_EMPTY")


def test_merge_at_sign_in(client, auth, products):
    r = client.post(
        "/api/clinics/adris/cart/merge",
        json={
            "items": [
                {"id": products["JUGUETE-GOMA-M"], "type": "product", "quantity": 2},
                {"id": f"{uuid.uuid4()}-{FIRULAIS}-x", "type": "service", "quantity": 1},
            ]
        },
        headers=auth(JORGE),
    )
    assert_problem(r, 404, "ITEM_NOT_FOUND")
    r = client.post(
        "/api/clinics/adris/cart/merge",
        json={"items": [{"id": products["JUGUETE-GOMA-M"], "type": "product", "quantity": 2}]},
        headers=auth(JORGE),
    )
    assert r.status_code == 200
    assert r.json()["total_quantity"] == 2
    bad = client.post(
        "/api/clinics/adris/cart/merge",
        json={"items": [{"id": "x", "type": "product", "quantity": 0}]},
        headers=auth(JORGE),
    )
    assert_problem(bad, 422, "INVALID_ITEMS")
    policy = client.post(
        "/api/clinics/adris/cart/merge", json={"items": [], "policy": "min"}, headers=auth(JORGE)
    )
    assert_problem(policy, 422, "INVALID_INPUT")


def test_last_units_out_of_stock_at_checkout(client, auth, products):
    cama = products["CAMA-PERRO-M"]  # 3 in stock
    for user in (MARIA, JORGE):
        r = client.put(
            f"/api/clinics/adris/cart/items/product/{cama}",
            json={"quantity": 3},
            headers=auth(user),
        )
        assert r.status_code == 200
    assert client.post("/api/clinics/adris/checkout", headers=auth(JORGE)).status_code == 201
    late = client.post("/api/clinics/adris/checkout", headers=auth(MARIA))
    assert_problem(late, 409, "OUT_OF_STOCK")


def test_other_clinic_and_bad_input(client, auth, products):
    assert_problem(client.get("/api/clinics/adris/cart", headers=auth(SOFIA)), 403, "UNAUTHORIZED")
    assert_problem(
        client.post(
            "/api/clinics/retiro/cart/items",
            json={"id": products["PIPETA-PERRO-M"], "type": "product"},
            headers=auth(SOFIA),
        ),
        404,
        "ITEM_NOT_FOUND",
    )
    assert_problem(
        client.post(
            "/api/clinics/adris/cart/items", json={"id": "x", "type": "toy"}, headers=auth(MARIA)
        ),
        422,
    )
    assert_problem(
        client.put(
            "/api/clinics/adris/cart/items/product/abc",
            json={"quantity": "lots"},
            headers=auth(MARIA),
        ),
        422,
    )
    assert_problem(
        client.put(
            "/api/clinics/adris/cart/items/product/abc", json={"quantity": 500}, headers=auth(MARIA)
        ),
        422,
    )
    assert_problem(client.get("/api/clinics/adris/cart"), 401)
