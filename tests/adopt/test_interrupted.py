"""An adopt killed (SIGKILL) part-way leaves a database a second adopt completes, losing nothing.

Each phase of adopt commits on its own (the resolution, each migration, the baseline), so
a kill leaves the database between two of them. The test kills the command in the middle
of the migrations phase: a transaction holding a lock on the store's tables makes adopt
007 wait, and once vete-adopt 001-006 are recorded and adopt is seen waiting, the process
is killed. The kill between the last migration and the baseline cannot be timed from
outside, so it is made by removing the baseline an adopt wrote (what that kill leaves).
"""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import psycopg
import pytest

from tests.adopt.conftest import data_checksums, original_columns, rows, run_adopt
from vete.deploy.adopt_set import ADOPT_SET
from vete.deploy.source import vete_source

#: The module, not the function ``vete.deploy.adopt`` that the package exports.
adopt_module = importlib.import_module("vete.deploy.adopt")
#: The baseline (001-013) and vete's later migrations, which adopt applies after it.
VETE_MIGRATIONS = len(vete_source().load().migrations)

RESOLVED = frozenset(
    {"d0000000-0000-4000-8000-000000000002", "f0000000-0000-4000-8000-000000000010"}
)


def adopt_history(url: str) -> dict[str, int]:
    found = rows(
        url,
        "SELECT migration_set, count(*) AS n FROM vete.schema_migrations GROUP BY 1",
    )
    return {r["migration_set"]: r["n"] for r in found}


def adopt_recorded(url: str) -> int:
    """vete-adopt migrations recorded so far (0 before adopt created its history)."""
    found = rows(url, "SELECT to_regclass('vete.schema_migrations') IS NOT NULL AS there")
    return adopt_history(url).get(ADOPT_SET, 0) if found[0]["there"] else 0


def waits_for_a_lock(url: str) -> bool:
    return any(b["wait_event_type"] == "Lock" for b in adopt_backends(url))


def wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def adopt_backends(url: str) -> list[dict[str, object]]:
    return rows(
        url,
        "SELECT pid, wait_event_type FROM pg_stat_activity"
        " WHERE application_name = 'vete adopt' AND datname = current_database()",
    )


def test_a_kill_in_the_migrations_phase_is_completed_by_the_next_adopt(original_url: str) -> None:
    columns = original_columns(original_url)
    before = data_checksums(original_url, columns, RESOLVED)
    blocker = psycopg.connect(original_url)
    blocker.execute("LOCK TABLE public.store_products, public.store_carts IN ACCESS SHARE MODE")
    command = subprocess.Popen(
        [sys.executable, "-m", "vete", "db", "adopt", "--yes", "--resolve", "--no-backup"],
        env={**os.environ, "DATABASE_URL": original_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(
            "adopt 007 to wait for the store's lock",
            # 003 and 005 build indexes concurrently, which wait for older snapshots (the
            # lock watch's, briefly): only a wait once 001-006 are recorded is 007's
            lambda: waits_for_a_lock(original_url) and adopt_recorded(original_url) == 6,
        )
        command.send_signal(signal.SIGKILL)
        assert command.wait(timeout=30) == -signal.SIGKILL
    finally:
        if command.poll() is None:
            command.kill()
        blocker.rollback()
        blocker.close()
    wait_for("the killed adopt's sessions to end", lambda: not adopt_backends(original_url))
    assert adopt_history(original_url).get(ADOPT_SET) == 6  # 007 rolled back with its session
    assert "vete" not in adopt_history(original_url)

    report = run_adopt(original_url, resolve=True)
    assert [a["version"] for a in report.applied] == [7, 8]
    assert report.baseline == list(range(1, 14))
    assert adopt_history(original_url) == {ADOPT_SET: 8, "vete": VETE_MIGRATIONS}
    assert data_checksums(original_url, columns, RESOLVED) == before
    resolved = rows(original_url, "SELECT row_id::text AS id FROM vete.adopt_resolutions")
    assert {r["id"] for r in resolved} == RESOLVED  # resolved once, by the killed run
    assert run_adopt(original_url, resolve=True).recognised["kind"] == "adopted"


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, and the open transaction rolls back."""


def test_a_kill_before_the_baseline_is_completed_by_the_next_adopt(
    original_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(_conn: object) -> list[int]:
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(adopt_module, "record_baseline", killed)
        with pytest.raises(Killed):
            run_adopt(original_url, resolve=True)
    assert adopt_history(original_url) == {ADOPT_SET: 8}
    again = run_adopt(original_url, resolve=True)
    assert again.recognised["kind"] == "original"
    assert again.applied == []
    assert again.baseline == list(range(1, 14))
    assert adopt_history(original_url) == {ADOPT_SET: 8, "vete": VETE_MIGRATIONS}
