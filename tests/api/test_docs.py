"""/docs is served whole by this server: no CDN, under a content security policy."""

from __future__ import annotations

import re


def test_docs_load_only_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls
    assert [u for u in urls if not u.startswith("/")] == []  # nothing from another host
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
    assert "<script>" not in page.text  # no inline script: the CSP needs no 'unsafe-inline'
    assert client.get("/redoc").status_code == 404
