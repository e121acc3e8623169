"""A deploy SIGKILLed while it re-applies a definition: the old definition stays live.

The new version of the definition waits, after its ``CREATE OR REPLACE``, on an advisory
lock the test holds (``BOUNDARY``); the test SIGKILLs the deploy there (the pattern of
test_deploy_killed.py) and proves the function, the definitions history and the lock are as
before, and that a rerun applies the new version.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import psycopg

from tests.deploy.conftest import Write, deploy, migrations, query
from tests.deploy.test_deploy_concurrency import vete_deploy
from vete.deploy.lock import LOCK_KEYS

__all__ = ["migrations"]  # the fixture, shared with tests/deploy

BOUNDARY = 80809

OLD = """
CREATE OR REPLACE FUNCTION public.quote(p_item int) RETURNS int LANGUAGE sql
    AS 'SELECT 10';
"""

NEW = f"""
CREATE OR REPLACE FUNCTION public.quote(p_item int) RETURNS int LANGUAGE sql
    AS 'SELECT 12';
DO $$ BEGIN PERFORM pg_advisory_xact_lock_shared({BOUNDARY}, 0); END $$;
"""


def live(url: str) -> list[dict[str, object]]:
    return query(url, "SELECT public.quote(1) AS q") + query(
        url, "SELECT definition, checksum FROM vete.schema_definitions ORDER BY id"
    )


def test_deploy_killed_mid_definition_leaves_the_old_definition_live(
    database_factory: Callable[..., str], migrations: Write
) -> None:
    url = database_factory(empty=True)
    folder = migrations("001_nothing.sql", "SELECT 1;")
    (folder / "definitions" / "pricing").mkdir(parents=True)
    file = folder / "definitions" / "pricing" / "quote.sql"
    file.write_text(OLD)
    deploy(url, folder)
    before = live(url)
    file.write_text(NEW)
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", (BOUNDARY, 0))
        proc = vete_deploy(url, folder)
        try:
            backend = _blocked_at_boundary(url)
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
    assert live(url) == before
    assert before[0] == {"q": 10}
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEYS).fetchone() == (True,)
    rerun = vete_deploy(url, folder)
    _out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert query(url, "SELECT public.quote(1) AS q") == [{"q": 12}]


def _blocked_at_boundary(url: str) -> int:
    """The deploy's backend pid once it waits inside the new definition."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = query(
            url,
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND classid = %s AND objid = 0",
            BOUNDARY,
        )
        if rows:
            return int(str(rows[0]["pid"]))
        time.sleep(0.02)
    raise AssertionError("the deploy never reached the definition's boundary")
