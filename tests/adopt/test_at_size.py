"""Adopt at size, scaled down (bench/adopt_at_scale.py runs the same at 2,000,000 rows):
the application's probe never fails during adopt, the result is correct, and an adopt
killed halfway completes when run again. Timings are the bench's business, not asserted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from tests.adopt.conftest import rows, run_adopt
from tests.adopt.test_overlaps import SELF_JOIN
from vete.deploy.adopt_set import load_adopt_set
from vete.proof.adopt_scale import Probe, fill_scale_clinic

VETS, PER_VET = 20, 1000

# What adopt leaves on appointments, each checked by its own query.
BLOCKED_RANGE_WRONG = (
    "SELECT count(*) AS n FROM public.appointments"
    " WHERE blocked_range IS DISTINCT FROM"
    " tstzrange(start_time, end_time + make_interval(mins => buffer_minutes), '[)')"
)
INVALID_INDEXES = "SELECT count(*) AS n FROM pg_index WHERE NOT indisvalid"
#: adopt's own CHECK, validated by 005 (vete's 016 leaves its text bounds NOT VALID on
#: purpose: validating them is table work for a later migration).
NOT_VALIDATED = (
    "SELECT count(*) AS n FROM pg_constraint WHERE NOT convalidated"
    " AND conname = 'appointments_buffer_minutes_check'"
)
APPOINTMENTS = "SELECT count(*) AS n FROM public.appointments"
RAISED = (
    "SELECT count(*) AS n FROM public.appointments WHERE reason = 'raced' AND status = 'cancelled'"
)


@pytest.fixture
def scale_url(original_url: str) -> str:
    fill_scale_clinic(original_url, vets=VETS, per_vet=PER_VET)
    return original_url


def _adopted_correctly(url: str, total: int) -> None:
    assert rows(url, APPOINTMENTS)[0]["n"] == total
    assert rows(url, RAISED)[0]["n"] == VETS  # each vet's later double booking, cancelled
    assert rows(url, SELF_JOIN) == []
    assert rows(url, BLOCKED_RANGE_WRONG)[0]["n"] == 0
    assert rows(url, INVALID_INDEXES)[0]["n"] == 0
    assert rows(url, NOT_VALIDATED)[0]["n"] == 0


def test_the_probe_never_fails_while_adopt_resolves_and_takes_over(scale_url: str) -> None:
    total = rows(scale_url, APPOINTMENTS)[0]["n"]
    with Probe(scale_url) as probe:
        time.sleep(0.3)
        report = run_adopt(scale_url, resolve=True)
        time.sleep(0.3)
    assert probe.report.probes > 10
    assert probe.report.failures == []
    _adopted_correctly(scale_url, total)
    names = [p["name"] for p in report.phases]
    assert names[0] == "check"
    assert "apply 005_appointment_guard.sql" in names
    assert all({"duration_s", "longest_lock_s", "longest_lock"} <= set(p) for p in report.phases)


def _adopt_until(url: str, line: str, delay_s: float) -> int:
    """Start ``vete db adopt``; SIGKILL it ``delay_s`` after it prints ``line``."""
    with subprocess.Popen(
        [sys.executable, "-m", "vete", "db", "adopt", "--yes", "--resolve", "--no-backup"],
        env={**os.environ, "DATABASE_URL": url, "COLUMNS": "200"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stderr is not None
        for text in proc.stderr:
            if line in text:
                time.sleep(delay_s)
                proc.send_signal(signal.SIGKILL)
                break
        return proc.wait(timeout=300)


@pytest.mark.parametrize(
    ("line", "delay_s"),
    [("apply 003_appointment_keys", 0.05), ("apply 005_appointment_guard", 0.2)],
)
def test_an_adopt_killed_halfway_completes_when_run_again(
    scale_url: str, line: str, delay_s: float
) -> None:
    total = rows(scale_url, APPOINTMENTS)[0]["n"]
    assert _adopt_until(scale_url, line, delay_s) == -signal.SIGKILL
    time.sleep(1.5)  # the server notices the dead client (client_connection_check_interval)
    report = run_adopt(scale_url, resolve=True)
    assert report.changed
    _adopted_correctly(scale_url, total)
    with psycopg.connect(scale_url) as conn:
        applied = conn.execute(
            "SELECT count(*) FROM vete.schema_migrations WHERE migration_set = 'vete-adopt'"
        ).fetchone()
    assert applied == (len(load_adopt_set().migrations),)  # each recorded once
