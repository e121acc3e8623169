"""How long a backend held locks that stop other sessions' reads or writes, phase by phase.

A thread samples ``pg_locks`` every 20 ms on a connection of its own (docs/adopt.md, "At
size"): the locks the watched backend holds in SHARE mode or stronger (they conflict with
INSERT/UPDATE/DELETE; ACCESS EXCLUSIVE with SELECT too) on tables that existed when the
watch began (a table the migration itself creates blocks no one). A stretch of samples in
which one such lock stays held is one hold; its length is measured between samples, so it
is exact to the sampling interval and a hold shorter than that may go unseen. The
application's own view of the same time is bench/adopt_at_scale.py's probe.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosql

from vete.db import connect

queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "lock_watch.sql", "psycopg")

INTERVAL_S = 0.02


@dataclass(frozen=True, slots=True)
class Hold:
    """One uninterrupted stretch in which the backend held ``mode`` on ``table``."""

    table: str
    mode: str
    started: float
    ended: float

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class Phase:
    name: str
    started: float
    ended: float = 0.0
    holds: list[Hold] = field(default_factory=list)
    wall_started: float = field(default_factory=time.time)  # to line it up with other clocks

    def as_json(self) -> dict[str, Any]:
        longest = max(self.holds, key=lambda h: h.seconds, default=None)
        return {
            "name": self.name,
            "started_at": round(self.wall_started, 3),
            "duration_s": round(self.ended - self.started, 3),
            "longest_lock_s": round(longest.seconds, 3) if longest else 0.0,
            "longest_lock": f"{longest.mode} on {longest.table}" if longest else None,
        }

    def line(self) -> str:
        j = self.as_json()
        lock = f"{j['longest_lock_s']:.2f} s ({j['longest_lock']})" if j["longest_lock"] else "none"
        return f"{self.name}: {j['duration_s']:.2f} s, longest blocking lock {lock}"


class LockWatch:
    """Samples the locks of backend ``pid`` of ``url`` until closed; ``phase()`` names spans."""

    def __init__(self, url: str, pid: int, interval_s: float = INTERVAL_S) -> None:
        self._url, self._pid, self._interval = url, pid, interval_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._open: dict[tuple[str, str], float] = {}
        self._holds: list[Hold] = []
        self.phases: list[Phase] = []
        self._thread = threading.Thread(target=self._run, name="vete-lock-watch", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __enter__(self) -> LockWatch:
        self._thread.start()
        self._ready.wait(timeout=10)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            with connect(self._url, autocommit=True, application_name="vete lock watch") as conn:
                tables = [r["oid"] for r in queries.existing_tables(conn)]
                self._ready.set()
                while not self._stop.is_set():
                    held = {
                        (r["name"], r["mode"])
                        for r in queries.blocking_locks(conn, pid=self._pid, tables=tables)
                    }
                    self._sample(held, time.perf_counter())
                    self._stop.wait(self._interval)
                self._sample(set(), time.perf_counter())
        except BaseException as exc:  # surfaced by __enter__, or the watch just stops
            self._error = exc
            self._ready.set()

    def _sample(self, held: set[tuple[str, str]], now: float) -> None:
        with self._lock:
            for key in held - self._open.keys():
                self._open[key] = now
            for key in set(self._open) - held:
                started = self._open.pop(key)
                self._holds.append(Hold(key[0], key[1], started, now))

    def begin(self, name: str) -> None:
        """Start a named phase (ending the one before); the holds that begin in it count for it."""
        self.end()
        self.phases.append(Phase(name, time.perf_counter()))

    def end(self) -> Phase | None:
        """End the current phase, if one is open, and return it."""
        if not self.phases or self.phases[-1].ended:
            return None
        phase = self.phases[-1]
        # two more samples, so that a lock released as the phase ends is seen released
        time.sleep(self._interval * 2)
        phase.ended = time.perf_counter()
        with self._lock:
            phase.holds = [h for h in self._holds if phase.started <= h.started < phase.ended]
            phase.holds += [
                Hold(table, mode, started, phase.ended)
                for (table, mode), started in self._open.items()
                if phase.started <= started
            ]
        return phase
