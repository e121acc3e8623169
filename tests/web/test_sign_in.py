"""Signing in to the pages: the demo sign-in takes demo users only and only when asked for;
without it, a real access token; never a redirect off this site; the cookie is Secure
under https; signing out makes the token useless for the pages and the API."""

from __future__ import annotations

import uuid

import jwt
import psycopg
import pytest

from tests.web.conftest import SECRET, demo_sign_in, make_pages_client
from vete.api import mint_token
from vete.api.deps import SESSION_COOKIE

ANA = uuid.UUID("a0000000-0000-4000-8000-000000000001")
MARIA = uuid.UUID("a0000000-0000-4000-8000-000000000004")


@pytest.fixture(scope="module")
def impostors(demo_url: str) -> dict[str, uuid.UUID]:
    """Real (non-demo) profiles: an admin, one with a demo-looking email, one faking Ana's.

    The fake Ana's id sorts before the real one's, so a lookup by email alone finds her.
    """
    made = {
        "boss@clinic.example": uuid.UUID("10000000-0000-4000-8000-000000000001"),
        "eve@demo.vete": uuid.UUID("10000000-0000-4000-8000-000000000002"),
        "ana@demo.vete": uuid.UUID("00000000-0000-4000-8000-000000000001"),
    }
    with psycopg.connect(demo_url) as conn:
        for email, user_id in made.items():
            conn.execute(
                "INSERT INTO profiles (tenant_id, id, role, full_name, email)"
                " VALUES ('retiro', %s, 'admin', 'Not a demo user', %s)"
                " ON CONFLICT DO NOTHING",
                [user_id, email],
            )
    return made


def _sub(token: str) -> uuid.UUID:
    return uuid.UUID(
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="authenticated")["sub"]
    )


@pytest.mark.parametrize("email", ["boss@clinic.example", "eve@demo.vete"])
def test_demo_sign_in_refuses_profiles_that_are_not_demo_users(pages, impostors, email):
    r = pages.post("/login", data={"email": email}, follow_redirects=False)
    assert r.status_code == 404, r.text
    assert SESSION_COOKIE not in r.cookies


def test_demo_sign_in_signs_in_the_demo_user_not_a_profile_with_the_same_email(pages, impostors):
    assert _sub(demo_sign_in(pages, "ana@demo.vete")) == ANA


def test_demo_sign_in_page_lists_only_demo_users(pages, impostors):
    page = pages.get("/login").text
    assert 'data-email="maria@demo.vete"' in page
    assert "boss@clinic.example" not in page
    assert "eve@demo.vete" not in page
    assert page.count('data-email="ana@demo.vete"') == 1


@pytest.fixture(scope="module")
def no_demo(demo_url):
    with make_pages_client(demo_url, demo_login=False) as client:
        yield client


def test_without_demo_the_sign_in_page_explains_real_sign_in_and_refuses_emails(no_demo):
    page = no_demo.get("/login")
    assert page.status_code == 200
    assert "data-email" not in page.text
    assert "Bearer" in page.text
    r = no_demo.post("/login", data={"email": "maria@demo.vete"}, follow_redirects=False)
    assert r.status_code == 403
    assert SESSION_COOKIE not in r.cookies


def test_without_demo_an_access_token_signs_in(no_demo):
    token = mint_token(SECRET, user_id=MARIA)
    r = no_demo.post(
        "/login/token", data={"token": token, "next": "/c/adris"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/c/adris"
    assert r.cookies.get(SESSION_COOKIE) == token
    bad = no_demo.post("/login/token", data={"token": "not.a.jwt"}, follow_redirects=False)
    assert bad.status_code == 401
    assert SESSION_COOKIE not in bad.cookies
    no_demo.cookies.clear()


def test_the_settings_offer_the_demo_sign_in_only_when_asked(monkeypatch, demo_url):
    from fastapi.testclient import TestClient

    from vete.app import app_from_settings
    from vete.config import Settings

    monkeypatch.delenv("VETE_DEMO_LOGIN", raising=False)
    with TestClient(app_from_settings(Settings(DATABASE_URL=demo_url), secret=SECRET)) as c:
        assert "data-email" not in c.get("/login").text
    asked = Settings(DATABASE_URL=demo_url, VETE_DEMO_LOGIN=True)
    with TestClient(app_from_settings(asked, secret=SECRET)) as c:
        assert 'data-email="maria@demo.vete"' in c.get("/login").text


OFF_SITE = [
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/\\/evil.example/x",
    "https://evil.example/x",
    "http:evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example/x",
    "/%5Cevil.example/x",
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "\t//evil.example/x",
    " //evil.example/x",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_sign_in_never_redirects_off_site(pages, target):
    r = pages.post(
        "/login", data={"email": "maria@demo.vete", "next": target}, follow_redirects=False
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/"
    page = pages.get("/login", params={"next": target}).text
    assert 'name="next" value="/"' in page
    pages.cookies.clear()


def test_sign_in_returns_to_a_path_on_this_site(pages):
    r = pages.post(
        "/login",
        data={"email": "maria@demo.vete", "next": "/c/adris/book?day=2030-01-02&lang=en"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/c/adris/book?day=2030-01-02&lang=en"
    pages.cookies.clear()


def test_session_cookie_is_secure_under_https_only(demo_url, pages):
    with make_pages_client(demo_url, https=True) as secure:
        r = secure.post("/login", data={"email": "maria@demo.vete"}, follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()
    r = pages.post("/login", data={"email": "maria@demo.vete"}, follow_redirects=False)
    assert "secure" not in r.headers["set-cookie"].lower()
    pages.cookies.clear()


def test_sign_out_makes_the_token_useless_for_pages_and_api(pages):
    token = demo_sign_in(pages, "maria@demo.vete")
    bearer = {"Authorization": f"Bearer {token}"}
    assert pages.get("/api/me", headers=bearer).status_code == 200  # verified and remembered
    assert pages.get("/c/adris/appointments").status_code == 200
    r = pages.post("/logout", follow_redirects=False)
    assert r.status_code == 303
    assert pages.get("/api/me", headers=bearer).status_code == 401
    pages.cookies.set(SESSION_COOKIE, token)  # the cookie, kept by someone who copied it
    page = pages.get("/c/adris/appointments", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")
    pages.cookies.clear()
    # Another token of the same user still works: signing out ends this session only.
    other = mint_token(SECRET, user_id=MARIA)
    assert pages.get("/api/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_the_demo_user_ids_are_the_demo_datasets(database_factory):
    from vete.db import connect
    from vete.demo import DEMO_USERS, load_demo
    from vete.web.signin import DEMO_USER_IDS

    with connect(database_factory()) as conn:
        load_demo(conn)
        rows = conn.execute("SELECT DISTINCT id, email FROM profiles").fetchall()
    assert {r["id"] for r in rows} == DEMO_USER_IDS
    assert {r["email"] for r in rows} == set(DEMO_USERS)
