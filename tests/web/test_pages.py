"""The pages over HTTP (no browser): languages, demo sign-in cookie, errors as HTML."""

from __future__ import annotations

import httpx


def test_home_in_both_languages(base_url):
    es = httpx.get(base_url + "/", headers={"accept-language": "es-PY"})
    assert es.status_code == 200
    assert 'lang="es"' in es.text
    assert "Elegí tu clínica" in es.text
    en = httpx.get(base_url + "/?lang=en")
    assert "Choose your clinic" in en.text
    assert "vete_lang=en" in en.headers["set-cookie"]


def test_demo_sign_in_sets_an_httponly_cookie_and_pages_need_it(base_url):
    login = httpx.get(base_url + "/login")
    assert "Ingreso de demostración" in login.text
    r = httpx.get(base_url + "/c/adris/appointments", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")
    r = httpx.post(base_url + "/login", data={"email": "maria@demo.vete", "next": "/c/adris"})
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "vete_session=" in cookie
    assert "HttpOnly" in cookie
    with httpx.Client(base_url=base_url, cookies=r.cookies) as c:
        mine = c.get("/c/adris/appointments")
        assert mine.status_code == 200
        assert "Salir" in mine.text
        # The page cookie is not an API credential.
        assert c.get("/api/me").status_code == 401


def test_errors_are_html_pages_without_traces(base_url):
    r = httpx.get(base_url + "/c/nowhere")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "TENANT_NOT_FOUND" in r.text
    assert "Traceback" not in r.text
    r = httpx.get(base_url + "/c/adris/book?service_id=not-a-uuid")
    assert r.status_code == 422
    assert "Traceback" not in r.text
    bad = httpx.post(base_url + "/login", data={"email": "nobody@demo.vete"})
    assert bad.status_code == 404
