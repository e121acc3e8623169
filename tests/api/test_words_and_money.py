"""The API's words follow Accept-Language while the code stays the machine's, and money
is one format everywhere: a decimal string with two decimals."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest

from tests.api.conftest import CONSULTA, JORGE, MARIA, assert_problem, local, next_weekday
from vete.messages import CATALOG

MONEY = re.compile(r"^\d+\.\d{2}$")


@pytest.mark.parametrize(
    ("accept", "lang"),
    [("en-US,en;q=0.9", "en"), ("es-PY,es;q=0.9", "es"), (None, "es"), ("fr, en;q=0.5", "en")],
)
def test_detail_follows_accept_language_and_the_code_stays(client, accept, lang):
    headers = {"Accept-Language": accept} if accept else {}
    body = assert_problem(client.get("/api/clinics/nowhere", headers=headers), 404)
    assert body["code"] == "TENANT_NOT_FOUND"
    assert body["detail"] == CATALOG["error.TENANT_NOT_FOUND"][lang]
    unauthenticated = assert_problem(client.get("/api/me", headers=headers), 401)
    assert unauthenticated["detail"] == CATALOG["error.UNAUTHENTICATED"][lang]


def test_a_business_code_from_the_sql_is_said_in_the_callers_language(client, auth):
    day = next_weekday(weeks=6)
    book = {
        "pet_id": "c0000000-0000-4000-8000-000000000001",
        "service_id": str(CONSULTA),
        "vet_id": "a0000000-0000-4000-8000-000000000002",
        "start_time": local(day, 9),
    }
    first = client.post("/api/clinics/adris/appointments", json=book, headers=auth(MARIA))
    assert first.status_code == 201, first.text
    for lang, accept in (("en", "en"), ("es", "es-PY")):
        again = client.post(
            "/api/clinics/adris/appointments",
            json=book,
            headers={**auth(MARIA), "Accept-Language": accept},
        )
        body = assert_problem(again, 409, "SLOT_UNAVAILABLE")
        assert body["detail"] == CATALOG["error.SLOT_UNAVAILABLE"][lang]
        assert again.headers["content-language"] == lang


def test_invalid_input_names_the_fields_in_the_callers_language(client, auth):
    r = client.post(
        "/api/clinics/adris/appointments",
        json={"pet_id": "x"},
        headers={**auth(MARIA), "Accept-Language": "en"},
    )
    body = assert_problem(r, 422, "INVALID_INPUT")
    assert body["detail"].startswith(CATALOG["error.INVALID_INPUT"]["en"])
    assert "body.pet_id" in body["detail"]
    assert body["errors"]  # pydantic's own words stay, for programs


def test_money_is_one_format_in_every_answer(client, auth, demo_url):
    products = client.get("/api/clinics/adris/products").json()
    services = client.get("/api/clinics/adris/services").json()
    assert {MONEY.match(p["price"]) is not None for p in products} == {True}
    assert {MONEY.match(s["base_price"]) is not None for s in services} == {True}
    base = "/api/clinics/adris"
    empty = client.get(f"{base}/cart", headers=auth(JORGE)).json()
    assert empty["total"] == "0.00"
    pipeta = next(p for p in products if p["sku"] == "PIPETA-PERRO-M")
    cart = client.post(
        f"{base}/cart/items",
        json={"id": pipeta["id"], "type": "product", "quantity": 3},
        headers=auth(JORGE),
    ).json()
    assert (cart["total"], cart["lines"][0]["price"]) == ("195000.00", "65000.00")
    merged = client.post(
        f"{base}/cart/merge",
        json={"items": [{"id": pipeta["id"], "type": "product", "quantity": 4, "price": 1}]},
        headers=auth(JORGE),
    ).json()
    assert merged["adjustments"][0]["price"] == "65000.00"
    order = client.post(
        f"{base}/checkout", headers={**auth(JORGE), "Idempotency-Key": uuid.uuid4().hex}
    ).json()
    line = order["lines"][0]
    assert (order["total"], line["price"], line["line_total"]) == (
        "260000.00",
        "65000.00",
        "260000.00",
    )
    with psycopg.connect(demo_url) as conn:  # the same amount the database stored
        stored = conn.execute(
            "SELECT total::text FROM store_orders WHERE id = %s", [order["order_id"]]
        ).fetchone()
    assert stored == ("260000.00",)
