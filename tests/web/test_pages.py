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


def test_a_device_cart_line_in_another_spelling_is_the_same_product(base_url, demo_url):
    """The device cart (a cookie the client can write) folds "…C5B" into "…c5b", as the
    database does at sign-in, and the cart page shows the line."""
    import json
    from http.cookies import SimpleCookie

    import psycopg

    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT id::text, name FROM store_products WHERE tenant_id = 'adris'"
            " AND sku = 'PIPETA-PERRO-M'"
        ).fetchone()
    assert row is not None
    product, name = row

    def device_cart(*lines: dict[str, object]) -> dict[str, str]:
        return {"vete_device_cart": json.dumps({"adris": list(lines)})}

    upper = {"id": product.upper(), "type": "product", "quantity": 2}
    with httpx.Client(base_url=base_url, cookies=device_cart(upper)) as c:
        added = c.post("/c/adris/cart/add", data={"product_id": product, "quantity": "1"})
    assert added.status_code == 303
    jar = SimpleCookie()
    jar.load(added.headers["set-cookie"])  # the server quotes the JSON in the cookie
    lines = json.loads(jar["vete_device_cart"].value)["adris"]
    assert [line["quantity"] for line in lines] == [3]
    with httpx.Client(base_url=base_url, cookies=device_cart(upper)) as c:
        assert name in c.get("/c/adris/cart").text
