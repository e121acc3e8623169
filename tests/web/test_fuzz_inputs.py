"""Fuzzing what the pages take from the browser as it is: the device-cart cookie and the
place to go after signing in. Any input: no exception, and only what is safe comes out."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from vete.web import device_cart
from vete.web.signin import safe_next

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)
LINE = st.fixed_dictionaries(
    {},
    optional={
        "id": st.uuids().map(str) | st.text(max_size=40) | st.integers(),
        "type": st.sampled_from(["product", "service", ""]) | st.integers(),
        "quantity": st.integers(-5, 200) | st.text(max_size=3) | st.booleans() | st.floats(),
    },
)
CARTS = st.dictionaries(
    st.sampled_from(["adris", "retiro", "ADRIS", "a", "x;y"]) | st.text(max_size=12),
    st.lists(LINE | JSON, max_size=8) | JSON,
    max_size=4,
)


def _request(cookie: str) -> Request:
    header = f"{device_cart.DEVICE_CART}={cookie}".encode("latin-1", "replace")
    return Request({"type": "http", "headers": [(b"cookie", header)]})


@settings(max_examples=300, deadline=None)
@given(st.one_of(CARTS, JSON).map(json.dumps) | st.text(max_size=200))
def test_any_device_cart_cookie_reads_as_valid_lines_or_dropped_ones(raw: str) -> None:
    cart = device_cart.read(_request(raw))
    for tenant_id, lines in cart.lines.items():
        assert device_cart._CLINIC.match(tenant_id)
        assert 1 <= len(lines) <= device_cart.MAX_LINES
        for line in lines:
            assert set(line) == {"id", "type", "quantity"}
            assert line["type"] == "product"
            assert type(line["quantity"]) is int
            assert 1 <= line["quantity"] <= 100
    assert cart.dropped >= 0


def _off_site(target: str) -> bool:
    for text in (target, unquote(target)):
        parts = urlsplit(text.replace("\\", "/"))
        if parts.scheme or parts.netloc or not text.startswith("/") or text.startswith("//"):
            return True
    return False


PIECES = st.sampled_from(
    [
        "/",
        "//",
        "\\",
        "%2F",
        "%5C",
        "\t",
        "\n",
        "\r",
        " ",
        "http:",
        "evil.example",
        "c",
        "?",
        "#",
        "@",
        ":",
        "%09",
        "%0a",
        "\u2028",
        "\x00",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=8).map("".join) | st.text(max_size=30))
def test_safe_next_never_leaves_the_site(target: Any) -> None:
    kept = safe_next(target)
    assert kept == "/" or kept == target
    assert not _off_site(kept)
