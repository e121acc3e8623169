"""Malformed query values and device-cart cookies are a clear 4xx or are skipped, never a
500; a bad device cart never blocks signing in, is said on the page, and is cleared."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie

import psycopg
import pytest

from tests.web.conftest import demo_sign_in
from vete.web.device_cart import DEVICE_CART

FAKE = "00000000-0000-4000-8000-00000000dead"


@pytest.mark.parametrize(
    "path",
    [
        "/c/adris/book?vet_id=zzz",
        "/c/adris/book?service_id=zzz",
        "/c/adris/book?service_id=e0000000-0000-4000-8000-000000000001&vet_id=%00",
        "/c/adris/book?day=2030-13-01",
        "/c/adris/book?day=zzz",
        "/c/adris/appointments?booked=zzz",
        "/c/adris/appointments/zzz/reschedule",
        f"/c/adris/appointments/{FAKE}/reschedule?day=zzz",
        "/c/adris/day?day=31-12-2030",
        "/c/ADRIS",
        "/c/adris%00",
    ],
)
def test_malformed_values_in_page_urls_are_a_clear_4xx(pages, path):
    demo_sign_in(pages, "ana@demo.vete")
    r = pages.get(path, follow_redirects=False)
    assert 400 <= r.status_code < 500, (path, r.status_code, r.text[-300:])
    assert "text/html" in r.headers["content-type"]
    assert "Traceback" not in r.text
    pages.cookies.clear()


def test_an_empty_vet_means_any_vet(pages):
    r = pages.get("/c/adris/book?service_id=e0000000-0000-4000-8000-000000000001&vet_id=")
    assert r.status_code == 200


def product_ids(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            str(r[0])
            for r in conn.execute(
                "SELECT id FROM store_products WHERE tenant_id = 'adris' ORDER BY sku"
            )
        ]


def bad_device_carts(good: str) -> list[object]:
    """Cookie shapes no page writes: each must be skipped, not crash a page."""
    return [
        {"adris": "abc"},
        {"adris": [1]},
        {"adris": [{"id": good, "type": "product"}]},  # no quantity
        {"adris": [{"id": good, "type": "product", "quantity": "x"}]},
        {"adris": [{"id": good, "type": "product", "quantity": -3}]},
        {"adris": [{"id": good, "type": "product", "quantity": 10**12}]},
        {"adris": [{"id": good, "type": "product", "quantity": True}]},
        {"adris": [{"id": good, "type": "product", "quantity": 1.5}]},
        {"adris": [{"id": good, "type": "service", "quantity": 1}]},
        {"adris": [{"id": "zzz", "type": "product", "quantity": 1}]},
        {"adris": [{"id": FAKE, "type": "product", "quantity": 1}]},  # no such product
        {"adris": [{"id": [good], "type": "product", "quantity": 1}]},
        {"adris": None},
        {"adris": {"id": good}},
        {"ADRIS; DROP": [{"id": good, "type": "product", "quantity": 1}]},
        [1],
        "text",
        None,
        42,
    ]


def _set_device_cart(client, value: object) -> None:
    client.cookies.clear()
    raw = value if isinstance(value, str) and value.startswith("{") else json.dumps(value)
    client.cookies.set(DEVICE_CART, raw)


def _set_cookie_value(response, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return jar[name].value if name in jar else None


def test_bad_device_carts_are_never_a_500(pages, demo_url):
    good = product_ids(demo_url)[0]
    shapes: list[object] = [*bad_device_carts(good), "{not json", "{" * 5000]
    for shape in shapes:
        _set_device_cart(pages, shape)
        cart = pages.get("/c/adris/cart")
        assert cart.status_code == 200, (shape, cart.text[-300:])
        _set_device_cart(pages, shape)
        add = pages.post("/c/adris/cart/add", data={"product_id": good}, follow_redirects=False)
        assert add.status_code == 303, (shape, add.text[-300:])
        _set_device_cart(pages, shape)
        login = pages.post("/login", data={"email": "jorge@demo.vete"}, follow_redirects=False)
        assert login.status_code == 303, (shape, login.text[-300:])
        pages.cookies.clear()


def test_the_cart_page_says_bad_lines_were_dropped_and_rewrites_the_cookie(pages, demo_url):
    first, second = product_ids(demo_url)[:2]
    device = {
        "adris": [
            {"id": first, "type": "product", "quantity": 2},
            {"id": second, "type": "product"},
            7,
        ]
    }
    _set_device_cart(pages, device)
    r = pages.get("/c/adris/cart")
    assert r.status_code == 200
    assert "data-flash" in r.text
    assert "2" in r.text.split("data-flash", 1)[1].split("</p>", 1)[0]  # two lines dropped
    kept = json.loads(_set_cookie_value(r, DEVICE_CART) or "null")
    assert kept == {"adris": [{"id": first, "type": "product", "quantity": 2}]}
    pages.cookies.clear()


def test_a_bad_device_cart_never_blocks_sign_in_and_is_cleared(pages, demo_url):
    first = product_ids(demo_url)[0]
    device = {
        "adris": [
            {"id": first, "type": "product", "quantity": 3},
            {"id": first, "type": "product", "quantity": "lots"},
            {"id": FAKE, "type": "product", "quantity": 1},
            "junk",
        ],
        "retiro": "abc",
    }
    _set_device_cart(pages, device)
    r = pages.post(
        "/login", data={"email": "maria@demo.vete", "next": "/c/adris/cart"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/c/adris/cart"
    assert r.cookies.get("vete_session")
    cleared = [h for h in r.headers.get_list("set-cookie") if h.startswith(DEVICE_CART + "=")]
    assert len(cleared) == 1
    assert "max-age=0" in cleared[0].lower()
    # The good line was merged into María's cart (read independently).
    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT items FROM store_carts WHERE tenant_id = 'adris'"
            " AND customer_id = 'a0000000-0000-4000-8000-000000000004'"
        ).fetchone()
    assert row is not None
    assert {(i["id"], i["quantity"]) for i in row[0]} >= {(first, 3)}
    # The page she lands on says some lines could not be read.
    page = pages.get("/c/adris/cart")
    assert "data-flash" in page.text
    again = pages.get("/c/adris/cart")
    assert "data-flash" not in again.text  # said once
    pages.cookies.clear()


def test_a_device_cart_the_store_refuses_still_signs_in_and_says_so(pages, demo_url, monkeypatch):
    from vete.errors import InvalidInput

    def refused(**_: object):
        raise InvalidInput("refused by the store", code="INVALID_ITEMS")
        yield  # a unit of work

    monkeypatch.setattr("vete.web.signin.store.merge_cart_work", refused)
    first = product_ids(demo_url)[0]
    _set_device_cart(pages, {"adris": [{"id": first, "type": "product", "quantity": 1}]})
    r = pages.post("/login", data={"email": "jorge@demo.vete"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.cookies.get("vete_session")
    assert _set_cookie_value(r, DEVICE_CART) in ("", None)  # cleared
    page = pages.get("/c/adris/cart?lang=en")
    assert "could not be merged" in page.text.split("data-flash", 1)[1]
    pages.cookies.clear()
