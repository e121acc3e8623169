"""API fixtures: a demo-loaded database, the app on it, tokens for the demo users."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests import clock
from vete.api import Verifier, mint_token
from vete.app import create_app
from vete.db import connect
from vete.demo import load_demo

SECRET = "test-secret-for-vete-api-tests-0123456789"

# Demo ids (src/vete/demo.sql).
ANA = UUID("a0000000-0000-4000-8000-000000000001")  # admin, adris
CARLOS = UUID("a0000000-0000-4000-8000-000000000002")  # vet, adris
MARIA = UUID("a0000000-0000-4000-8000-000000000004")  # owner, adris (Firulais, Michi)
JORGE = UUID("a0000000-0000-4000-8000-000000000005")  # owner, adris (Toby)
SOFIA = UUID("b0000000-0000-4000-8000-000000000004")  # owner, retiro (Luna, Rocky)
FIRULAIS = UUID("c0000000-0000-4000-8000-000000000001")
TOBY = UUID("c0000000-0000-4000-8000-000000000003")
LUNA = UUID("d0000000-0000-4000-8000-000000000001")
CONSULTA = UUID("e0000000-0000-4000-8000-000000000001")  # adris, 30 min + 5 buffer
RETIRO_CONSULTA = UUID("f0000000-0000-4000-8000-000000000001")


def next_weekday(tz: str = "America/Asuncion", weekday: int = 2, weeks: int = 1) -> date:
    """A clinic-local date ``weeks`` ahead on ISO ``weekday`` (Tuesday by default)."""
    today = clock.today(ZoneInfo(tz))
    ahead = (weekday - today.isoweekday()) % 7 or 7
    return today + timedelta(days=ahead + 7 * (weeks - 1))


def local(day: date, hour: int, minute: int = 0, tz: str = "America/Asuncion") -> str:
    """An ISO instant for a clinic wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(tz)).isoformat()


@pytest.fixture(scope="module")
def demo_url(database_url: str) -> str:
    with connect(database_url) as conn:
        load_demo(conn)
    return database_url


@pytest.fixture(scope="module")
def client(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(
        demo_url,
        verifier=Verifier(secret=SECRET),
        secret=SECRET,
        pool_size=4,
        demo_login=True,
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def token() -> Callable[..., str]:
    def make(user: UUID, **kwargs: Any) -> str:
        return mint_token(SECRET, user_id=user, **kwargs)

    return make


@pytest.fixture(scope="module")
def auth(token: Callable[..., str]) -> Callable[[UUID], dict[str, str]]:
    return lambda user: {"Authorization": f"Bearer {token(user)}"}


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """A problem+json answer with the status (and code); no stack trace in it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code is not None:
        assert body["code"] == code, body
    assert "Traceback" not in response.text
    return body
