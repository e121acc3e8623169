"""The connection layer: sync and async connections and pools, one error for a bad server."""

from __future__ import annotations

import asyncio
import threading

import pytest

from vete.db import aconnect, connect, make_async_pool, make_pool
from vete.errors import ConfigError, DatabaseUnavailable

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nothing"


def test_pool_serves_concurrent_threads_on_separate_sessions(database_url: str) -> None:
    pool = make_pool(database_url, min_size=2, max_size=4)
    pids: set[int] = set()
    barrier = threading.Barrier(4)

    def work() -> None:
        with pool.connection() as conn:
            barrier.wait()
            row = conn.execute("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)").fetchone()
            assert row is not None
            pids.add(row["pid"])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pool.close()
    assert len(pids) == 4


def test_async_connection_and_pool_reach_the_same_database(database_url: str) -> None:
    async def main() -> tuple[str, str]:
        conn = await aconnect(database_url)
        async with conn:
            row = await (await conn.execute("SELECT current_database() AS db")).fetchone()
        pool = await make_async_pool(database_url, min_size=1, max_size=2)
        async with pool.connection() as pooled:
            other = await (await pooled.execute("SELECT current_database() AS db")).fetchone()
        await pool.close()
        assert row is not None
        assert other is not None
        return row["db"], other["db"]

    first, second = asyncio.run(main())
    with connect(database_url) as conn:
        expected = conn.execute("SELECT current_database() AS db").fetchone()
    assert expected is not None
    assert first == second == expected["db"]


def test_unreachable_server_is_one_error_for_every_entry_point() -> None:
    with pytest.raises(DatabaseUnavailable, match="127.0.0.1:1/nothing: Connection refused"):
        connect(UNREACHABLE, connect_timeout=2)
    with pytest.raises(DatabaseUnavailable, match="127.0.0.1:1/nothing"):
        asyncio.run(aconnect(UNREACHABLE, connect_timeout=2))
    with pytest.raises(DatabaseUnavailable, match="127.0.0.1:1/nothing"):
        make_pool(UNREACHABLE, timeout=1)


def test_malformed_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid port 'x'"):
        connect("postgresql://u@h:x/db")
