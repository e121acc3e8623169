"""A slow database and an exhausted pool: 503 with Retry-After quickly, then recovery."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import MARIA, SECRET, assert_problem
from vete.api import Verifier, mint_token
from vete.api.deps import transaction
from vete.app import create_app
from vete.db import connect
from vete.demo import load_demo
from vete.errors import ServiceUnavailable

AUTH = {"Authorization": f"Bearer {mint_token(SECRET, user_id=MARIA)}"}


@pytest.fixture(scope="module")
def client(database_url: str) -> Iterator[TestClient]:
    with connect(database_url) as conn:
        load_demo(conn)
    app = create_app(
        database_url,
        verifier=Verifier(secret=SECRET),
        secret=SECRET,
        pool_size=2,
        pool_timeout_s=0.5,
        statement_timeout_ms=1500,
        lock_timeout_ms=500,
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_a_locked_table_is_a_quick_503_then_recovers(client: TestClient, database_url: str) -> None:
    with psycopg.connect(database_url) as locker:
        locker.execute("LOCK TABLE store_carts IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        r = client.get("/api/clinics/adris/cart", headers=AUTH)
        elapsed = time.monotonic() - started
        assert_problem(r, 503, "SERVICE_UNAVAILABLE")
        assert r.headers["Retry-After"] == "2"
        assert elapsed < 3, elapsed  # lock_timeout, not a hang
        locker.rollback()
    assert client.get("/api/clinics/adris/cart", headers=AUTH).status_code == 200


def test_a_slow_statement_is_cancelled_at_the_statement_timeout(client: TestClient) -> None:
    """Every request transaction carries statement_timeout: a statement running past it is
    cancelled by the server and becomes ServiceUnavailable (503), not a held connection."""
    state = client.app.state.vete  # type: ignore[attr-defined]
    identity = state.verifier.verify(mint_token(SECRET, user_id=MARIA))
    started = time.monotonic()
    seen: list[object] = []

    async def slow() -> None:
        async with transaction(state, identity) as conn:
            seen.append(await (await conn.execute("SHOW statement_timeout")).fetchone())
            await conn.execute("SELECT pg_sleep(10)")

    with pytest.raises(ServiceUnavailable):
        client.portal.call(slow)  # type: ignore[attr-defined]
    assert seen == [{"statement_timeout": "1500ms"}]
    assert 1.4 < time.monotonic() - started < 5


def test_pool_exhaustion_is_back_pressure_not_a_pile_up(
    client: TestClient, database_url: str
) -> None:
    """More concurrent requests than connections, all stuck on a lock: each one is
    answered within pool wait + lock timeout, with 503 + Retry-After, never a 500."""
    with psycopg.connect(database_url) as locker:
        locker.execute("LOCK TABLE store_carts IN ACCESS EXCLUSIVE MODE")
        barrier = threading.Barrier(8)

        def one(_: int) -> tuple[int, str | None, float]:
            barrier.wait()
            t = time.monotonic()
            r = client.get("/api/clinics/adris/cart", headers=AUTH)
            return r.status_code, r.headers.get("Retry-After"), time.monotonic() - t

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(one, range(8)))
        locker.rollback()
    assert {status for status, _, _ in results} == {503}, results
    assert all(retry == "2" for _, retry, _ in results), results
    assert max(elapsed for _, _, elapsed in results) < 5, results
    assert client.get("/api/clinics/adris/cart", headers=AUTH).status_code == 200
