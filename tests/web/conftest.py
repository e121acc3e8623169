"""Web fixtures: the app served by uvicorn in a thread on a free port, and headless Chromium."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from vete.api import Verifier
from vete.api.deps import SESSION_COOKIE
from vete.app import create_app
from vete.db import connect
from vete.demo import load_demo

SECRET = "web-test-secret-0123456789-0123456789"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: The browser tests' screenshots: the docs show them (README, docs/api.md).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture(scope="module")
def demo_url(database_url: str) -> str:
    with connect(database_url) as conn:
        load_demo(conn)
    return database_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served over real HTTP by uvicorn in a thread; its base URL."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(200):
        if server.started:
            started.set()
            break
        threading.Event().wait(0.05)
    assert started.is_set(), "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _app(url: str, *, demo_login: bool) -> Any:
    return create_app(
        url, verifier=Verifier(secret=SECRET), secret=SECRET, pool_size=4, demo_login=demo_login
    )


@pytest.fixture(scope="module")
def base_url(demo_url: str) -> Iterator[str]:
    """The app served over real HTTP with the demo sign-in on (``vete serve --demo``)."""
    with serving(_app(demo_url, demo_login=True)) as url:
        yield url


@pytest.fixture(scope="module")
def base_url_without_demo(demo_url: str) -> Iterator[str]:
    """The app served over real HTTP as ``vete serve`` runs it without --demo."""
    with serving(_app(demo_url, demo_login=False)) as url:
        yield url


def make_pages_client(url: str, *, https: bool = False, **kwargs: Any) -> TestClient:
    """A TestClient on the app (enter it with ``with``); the demo sign-in on unless told."""
    kwargs.setdefault("demo_login", True)
    app = create_app(url, verifier=Verifier(secret=SECRET), secret=SECRET, pool_size=2, **kwargs)
    base = "https://testserver" if https else "http://testserver"
    return TestClient(app, base_url=base, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def pages(demo_url: str) -> Iterator[TestClient]:
    """The app with the demo sign-in on, in-process (no browser, no socket)."""
    with make_pages_client(demo_url) as client:
        yield client


def demo_sign_in(client: TestClient, email: str, **data: str) -> str:
    """Sign in as a demo user on ``client``; the session token it was given."""
    r = client.post("/login", data={"email": email, **data}, follow_redirects=False)
    assert r.status_code == 303, r.text
    token = r.cookies.get(SESSION_COOKIE)
    assert token
    return str(token)
