"""``vete serve``: the demo sign-in only with --demo, whatever the database."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import pytest

from vete.cli import serve


@pytest.mark.parametrize(("demo", "offered"), [(False, "0"), (True, "1")])
def test_serve_offers_the_demo_sign_in_only_with_demo_even_on_the_embedded_database(
    database_url, monkeypatch, demo, offered
):
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "get_settings", lambda: SimpleNamespace(database_url=None))
    monkeypatch.setattr(serve, "resolve_database_url", lambda: database_url)
    monkeypatch.setattr("uvicorn.run", lambda *a, **kw: started.append(kw))
    monkeypatch.setattr("vete.api.observe.configure_logging", lambda level: None)
    for name in (serve.DEMO_LOGIN_ENV, "DATABASE_URL", "VETE_POOL_SIZE"):
        monkeypatch.setenv(name, "")
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
    assert os.environ[serve.DEMO_LOGIN_ENV] == offered
    assert started[0]["forwarded_allow_ips"] == "127.0.0.1"
