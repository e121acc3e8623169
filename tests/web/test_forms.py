"""The page forms refuse cross-site posts (not only SameSite), and pages send a content
security policy and anti-framing headers."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import psycopg
import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import demo_sign_in
from vete import booking
from vete.db import connect

CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
]


def _routes(routes):
    for route in routes:
        included = getattr(route, "original_router", None)  # an included router
        yield from _routes(included.routes) if included is not None else (route,)


def page_form_routes(app) -> list[str]:
    """Every state-changing page route (POST outside /api), as its path template."""
    return sorted(
        route.path
        for route in _routes(app.routes)
        if isinstance(route, APIRoute) and "POST" in route.methods
        if not route.path.startswith("/api/")
    )


def test_these_are_the_page_forms(pages):
    assert page_form_routes(pages.app) == [
        "/c/{tenant_id}/appointments/{appointment_id}/cancel",
        "/c/{tenant_id}/appointments/{appointment_id}/reschedule",
        "/c/{tenant_id}/appointments/{appointment_id}/status",
        "/c/{tenant_id}/book",
        "/c/{tenant_id}/cart/add",
        "/c/{tenant_id}/cart/set",
        "/c/{tenant_id}/checkout",
        "/login",
        "/login/token",
        "/logout",
    ]


@pytest.mark.parametrize(
    "headers", CROSS_SITE, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items())
)
def test_every_page_form_refuses_a_cross_site_post(pages, headers):
    demo_sign_in(pages, "maria@demo.vete")
    for template in page_form_routes(pages.app):
        path = template.replace("{tenant_id}", "adris")
        path = path.replace("{appointment_id}", str(uuid.uuid4()))
        r = pages.post(
            path, data={"email": "maria@demo.vete"}, headers=headers, follow_redirects=False
        )
        assert r.status_code == 403, (path, r.status_code, r.text[-400:])
        assert "CROSS_SITE_REQUEST" in r.text
    pages.cookies.clear()


def test_same_origin_and_non_browser_posts_are_accepted(pages):
    for headers in ({"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}):
        r = pages.post(
            "/login", data={"email": "maria@demo.vete"}, headers=headers, follow_redirects=False
        )
        assert r.status_code == 303, (headers, r.text)
        pages.cookies.clear()


def test_a_cross_site_cancel_changes_nothing(pages, demo_url):
    from tests.api.conftest import CARLOS, CONSULTA, FIRULAIS, MARIA, local, next_weekday
    from vete.session import act_as

    with connect(demo_url) as conn:
        act_as(conn, user_id=MARIA, role="authenticated")
        made = booking.book(
            conn,
            tenant_id="adris",
            pet_id=FIRULAIS,
            service_id=CONSULTA,
            vet_id=CARLOS,
            start=datetime.fromisoformat(local(next_weekday(weekday=3, weeks=5), 9)),
        )
        conn.commit()
    demo_sign_in(pages, "maria@demo.vete")
    r = pages.post(
        f"/c/adris/appointments/{made.appointment_id}/cancel",
        data={"reason": "forged"},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT status FROM appointments WHERE id = %s", [made.appointment_id]
        ).fetchone()
    assert row == ("scheduled",)
    pages.cookies.clear()


def _csp(response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {d.split()[0]: d.strip() for d in policy.split(";") if d.strip()}


@pytest.mark.parametrize(
    "path", ["/", "/login", "/c/adris/shop", "/c/nowhere", "/c/adris/book?day=x"]
)
def test_pages_send_a_content_security_policy_and_anti_framing_headers(pages, path):
    r = pages.get(path)
    assert "text/html" in r.headers["content-type"]
    csp = _csp(r)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["default-src"] == "default-src 'none'"
    assert csp["form-action"] == "form-action 'self'"
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    # What the policy forbids, the page does not use: no inline script, style or handler.
    assert not re.search(r"<script|style=|javascript:| on[a-z]+=", r.text)
