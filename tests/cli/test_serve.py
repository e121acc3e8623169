"""``vete serve``: the demo sign-in only with --demo, whatever the database."""

from __future__ import annotations

import os
from typing import Any

import pytest

from vete.cli import serve
from vete.config import Settings


@pytest.mark.parametrize("demo", [False, True])
def test_serve_offers_the_demo_sign_in_only_with_demo_even_on_the_embedded_database(
    database_url, monkeypatch, demo
):
    started: list[dict[str, Any]] = []
    built: list[Settings] = []
    monkeypatch.setattr(serve, "get_settings", lambda: Settings(DATABASE_URL=None))
    monkeypatch.setattr(serve, "resolve_database_url", lambda settings: database_url)
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: started.append(kw))
    monkeypatch.setattr("vete.app.app_from_settings", lambda settings: built.append(settings))
    monkeypatch.setattr("vete.api.observe.configure_logging", lambda level: None)
    environment = dict(os.environ)
    serve.serve_cmd(
        host="127.0.0.1",
        port=8000,
        yes=False,
        demo=demo,
        workers=1,
        pool_size=2,
        forwarded_allow_ips="127.0.0.1",
        log_level="warning",
    )
    assert len(started) == 1
    # The settings reach the app explicitly; the process environment is left alone.
    assert [(s.database_url, s.demo_login, s.pool_size) for s in built] == [(database_url, demo, 2)]
    assert dict(os.environ) == environment
    assert started[0]["forwarded_allow_ips"] == "127.0.0.1"
