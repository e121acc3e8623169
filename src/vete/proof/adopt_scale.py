"""The original's database at size, and a probe of what its application sees during adopt.

Issue 17's setup: the adopt fixture plus one clinic of ``vets`` vets with ``per_vet``
appointments each (``adopt_scale.sql``: 200 vets x 10,000 = 2,000,000 for the bench, far
fewer for the test). The :class:`Probe` stands in for the application: every 50 ms, on a
connection of its own, it reads one appointment and updates another, and records how long
each took and whether it failed. ``vete db adopt`` at size must leave every probe under a
second and none failed (docs/adopt.md, "At size").
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosql
import psycopg
from psycopg.rows import dict_row

queries: Any = aiosql.from_path(Path(__file__).with_suffix(".sql"), "psycopg")

PERIOD_S = 0.05


def fill_scale_clinic(url: str, *, vets: int, per_vet: int) -> int:
    """Add the clinic "scale" to a database holding the adopt fixture; returns its rows."""
    with psycopg.connect(url) as conn:
        conn.execute("SET LOCAL session_replication_role = replica")
        queries.fill_clinic(conn, vets=vets)
        queries.fill_calendars(conn, vets=vets, per_vet=per_vet)
        queries.fill_double_bookings(conn, vets=vets)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE public.appointments")
    return vets * per_vet


@dataclass
class ProbeReport:
    probes: int = 0
    failures: list[str] = field(default_factory=list)
    waits_s: list[float] = field(default_factory=list)
    started_at: list[float] = field(default_factory=list)  # wall clock of each probe

    def longest_at(self) -> float | None:
        """When the longest probe began (time.time()), to find the phase it fell in."""
        if not self.waits_s:
            return None
        return self.started_at[self.waits_s.index(max(self.waits_s))]

    def as_json(self) -> dict[str, Any]:
        waits = sorted(self.waits_s) or [0.0]
        return {
            "longest_at": self.longest_at(),
            "probes": self.probes,
            "failed": len(self.failures),
            "failures": self.failures[:10],
            "longest_wait_s": round(waits[-1], 3),
            "p99_wait_s": round(waits[int(0.99 * (len(waits) - 1))], 4),
            "median_wait_s": round(statistics.median(waits), 4),
        }


class Probe:
    """Reads one appointment and updates another every 50 ms until closed (its own thread)."""

    def __init__(self, url: str, *, seed: int = 17, period_s: float = PERIOD_S) -> None:
        self._url, self._period = url, period_s
        self._random = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="adopt-probe", daemon=True)
        self.report = ProbeReport()
        with psycopg.connect(url, row_factory=dict_row) as conn:
            self._ids = [r["id"] for r in queries.probe_ids(conn, n=1000)]
        if len(self._ids) < 2:
            raise ValueError("the probe needs the clinic 'scale' (fill_scale_clinic)")

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        with psycopg.connect(self._url, autocommit=True, row_factory=dict_row) as conn:
            while not self._stop.is_set():
                began, wall = time.perf_counter(), time.time()
                read, write = self._random.sample(self._ids, 2)
                try:
                    queries.probe_read(conn, id=read)
                    queries.probe_update(conn, id=write, notes=f"probe {self.report.probes}")
                except psycopg.Error as exc:
                    self.report.failures.append(f"{type(exc).__name__}: {exc}".strip())
                took = time.perf_counter() - began
                self.report.probes += 1
                self.report.waits_s.append(took)
                self.report.started_at.append(wall)
                self._stop.wait(max(0.0, self._period - took))
