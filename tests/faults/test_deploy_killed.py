"""A deploy SIGKILLed at every statement boundary of a migration: old version, or a rerun's new.

The migration waits at each boundary on a shared advisory lock (``BOUNDARY``, i) that costs
nothing unless the test holds it exclusively. The test holds boundary i, starts
``vete db deploy`` as a subprocess, waits until that deploy is blocked exactly there (seen in
``pg_locks``), SIGKILLs it, waits for its backend to go, and then proves: the schema and the
history are exactly the old version's, the deploy lock is free, and a rerun of the same file
converges to the new version.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import psycopg
import pytest

from tests.deploy.conftest import Write, deploy, migrations, query, schema_fingerprint
from tests.deploy.test_deploy_concurrency import vete_deploy
from vete.deploy.lock import LOCK_KEYS

__all__ = ["migrations"]  # the fixture, shared with tests/deploy

BOUNDARY = 80808

OLD = """
CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g;
"""

STATEMENTS = (
    "ALTER TABLE items ADD COLUMN price int",
    "UPDATE items SET price = id * 10",
    "CREATE TABLE item_log (item_id int NOT NULL REFERENCES items (id), note text)",
    "INSERT INTO item_log SELECT id, 'priced' FROM items",
    "CREATE FUNCTION item_total() RETURNS bigint LANGUAGE sql STABLE"
    " AS 'SELECT sum(price) FROM items'",
)


def _marker(i: int) -> str:
    return f"SELECT pg_advisory_xact_lock_shared({BOUNDARY}, {i});\n"


NEW = "".join(_marker(i) + s + ";\n" for i, s in enumerate(STATEMENTS)) + _marker(len(STATEMENTS))
BOUNDARIES = range(len(STATEMENTS) + 1)


def history(url: str) -> list[dict[str, object]]:
    return query(
        url,
        "SELECT version, checksum FROM vete.schema_migrations ORDER BY version",
    ) + query(url, "SELECT version, kind FROM vete.deploy_events ORDER BY id")


@pytest.fixture(scope="module")
def reference(database_factory: Callable[..., str], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The new version's schema, from a deploy nobody interrupted."""
    folder = tmp_path_factory.mktemp("ref")
    (folder / "001_old.sql").write_text(OLD)
    (folder / "002_new.sql").write_text(NEW)
    url = database_factory(empty=True)
    deploy(url, folder)
    return schema_fingerprint(url)


def _blocked_at(url: str, i: int) -> int:
    """The backend pid of the deploy once it waits on boundary ``i``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = query(
            url,
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid = %s AND objid = %s",
            BOUNDARY,
            i,
        )
        if rows:
            return int(str(rows[0]["pid"]))
        time.sleep(0.02)
    raise AssertionError(f"the deploy never reached boundary {i}")


@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_deploy_killed_at_boundary(
    boundary: int,
    database_factory: Callable[..., str],
    migrations: Write,
    reference: list[dict[str, object]],
) -> None:
    url = database_factory(empty=True)
    folder = migrations("001_old.sql", OLD)
    deploy(url, folder)
    old_schema, old_history = schema_fingerprint(url), history(url)
    migrations("002_new.sql", NEW)
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", (BOUNDARY, boundary))
        proc = vete_deploy(url, folder)
        try:
            backend = _blocked_at(url, boundary)
            assert proc.poll() is None
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
            deadline = time.monotonic() + 30
            while query(url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", backend):
                assert time.monotonic() < deadline, "the killed deploy's backend kept running"
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert schema_fingerprint(url) == old_schema, f"schema changed at boundary {boundary}"
    assert history(url) == old_history, f"history changed at boundary {boundary}"
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEYS).fetchone() == (True,)
    rerun = vete_deploy(url, folder)
    _out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert schema_fingerprint(url) == reference
    assert query(url, "SELECT count(*) AS n, sum(price) AS s FROM items") == [
        {"n": 100, "s": 50500}
    ]
    assert query(url, "SELECT count(*) AS n FROM item_log") == [{"n": 100}]
    assert [r["version"] for r in query(url, "SELECT version FROM vete.schema_migrations")] == [
        1,
        2,
    ]
