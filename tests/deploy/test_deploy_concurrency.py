"""Deploys from separate processes: the lock serialises them; a killed deploy leaves nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg

from tests.deploy.conftest import Write, query
from vete.deploy.lock import LOCK_KEYS


def vete_deploy(url: str, folder: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vete",
            "db",
            "deploy",
            "--dir",
            str(folder),
            "--set",
            "t",
            "--no-backup",
            "--json",
            *extra,
        ],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def race(url: str, folder: Path, *extra: str) -> list[tuple[int, str, str]]:
    """Start two deploys released together by a barrier; return (exit code, stdout, stderr)."""
    barrier = threading.Barrier(2)
    results: list[tuple[int, str, str]] = []

    def run() -> None:
        barrier.wait()
        proc = vete_deploy(url, folder, *extra)
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out, err))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


SLOW = """
CREATE TABLE once (id int PRIMARY KEY);
INSERT INTO once VALUES (1);
SELECT pg_sleep(3);
"""


def test_second_deploy_without_wait_exits_lock_busy(fresh_url: str, migrations: Write) -> None:
    folder = migrations("001_once.sql", SLOW)
    results = sorted(race(fresh_url, folder))
    codes = [r[0] for r in results]
    assert codes == [0, 11], results
    assert "another deploy holds the lock since" in results[1][2]
    assert "pid" in results[1][2]
    assert json.loads(results[0][1])["applied"][0]["version"] == 1
    assert query(fresh_url, "SELECT count(*) AS n FROM vete.schema_migrations") == [{"n": 1}]
    assert query(fresh_url, "SELECT count(*) AS n FROM once") == [{"n": 1}]


def test_second_deploy_with_lock_wait_finds_nothing_left(fresh_url: str, migrations: Write) -> None:
    folder = migrations("001_once.sql", SLOW)
    migrations("002_twice.sql", "CREATE TABLE twice (id int);")
    results = race(fresh_url, folder, "--lock-wait", "60")
    assert [r[0] for r in results] == [0, 0], results
    applied = sorted(len(json.loads(r[1])["applied"]) for r in results)
    assert applied == [0, 2]
    rows = query(
        fresh_url,
        "SELECT version, count(*) AS n FROM vete.deploy_events WHERE kind = 'deploy'"
        " GROUP BY version ORDER BY version",
    )
    assert rows == [{"version": 1, "n": 1}, {"version": 2, "n": 1}]


def test_killed_deploy_leaves_no_partial_migration_and_no_lock(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_slow.sql",
        """
        CREATE TABLE half (id int);
        INSERT INTO half VALUES (1);
        SELECT pg_sleep(60);
        CREATE TABLE never (id int);
        """,
    )
    proc = vete_deploy(fresh_url, folder)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sleeping = query(
            fresh_url,
            "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'"
            " AND datname = current_database()",
        )
        if sleeping:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    assert sleeping, "the deploy never reached its slow statement"
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    # The server notices the dead client (client_connection_check_interval) and rolls back.
    deadline = time.monotonic() + 30
    while query(fresh_url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", sleeping[0]["pid"]):
        assert time.monotonic() < deadline, "the killed deploy's backend kept running"
        time.sleep(0.2)
    assert query(fresh_url, "SELECT to_regclass('public.half') AS t") == [{"t": None}]
    assert query(fresh_url, "SELECT count(*) AS n FROM vete.schema_migrations") == [{"n": 0}]
    with psycopg.connect(fresh_url, autocommit=True) as conn:
        got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", LOCK_KEYS).fetchone()
        assert got == (True,)
    # A rerun converges.
    migrations("001_slow.sql", "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n")
    rerun = vete_deploy(fresh_url, folder)
    _out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert query(fresh_url, "SELECT count(*) AS n FROM half") == [{"n": 1}]
