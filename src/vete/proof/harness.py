"""A crowd of clients on their own connections, released together by a barrier, with timings."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg

from vete.db import connect

BARRIER_TIMEOUT_S = 60

Conn = psycopg.Connection[Any]
#: What client ``i`` does in a round, on its own connection, with the round's context.
Action = Callable[[int, Conn, Any], Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One client's answer in one round (or the exception it raised) and how long it took."""

    result: Any
    seconds: float

    @property
    def outcome(self) -> str:
        """``success``, the business error code, or ``raised <SQLSTATE or class>``."""
        if isinstance(self.result, BaseException):
            state = getattr(self.result, "sqlstate", None)
            return f"raised {state or type(self.result).__name__}"
        if isinstance(self.result, dict):
            if self.result.get("success") is True:
                return "success"
            return str(self.result.get("error") or "UNKNOWN")
        return "raised UNEXPECTED_ANSWER"


class Crowd:
    """N connections opened once; each round runs one action per client, all at once.

    Each client runs on a thread and connection of its own; a barrier releases them
    together, so the calls really race. An exception a client raises is its result
    (rolled back), never swallowed: it is counted as an outcome.
    """

    def __init__(self, url: str, size: int, **connect_kwargs: Any) -> None:
        self.conns: list[Conn] = []
        try:
            for _ in range(size):
                self.conns.append(connect(url, **connect_kwargs))
        except BaseException:
            self.close()
            raise
        self.pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="vete-race")

    def __enter__(self) -> Crowd:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def round(self, action: Action, context: Any) -> list[Call]:
        """Run ``action(i, conn_i, context)`` for every client at once; answers in order."""
        barrier = threading.Barrier(len(self.conns), timeout=BARRIER_TIMEOUT_S)

        def one(i: int) -> Call:
            conn = self.conns[i]
            barrier.wait()
            began = time.perf_counter()
            try:
                result = action(i, conn, context)
            except Exception as exc:  # counted as an outcome by the caller
                result = exc
                if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    conn.rollback()
            return Call(result=result, seconds=time.perf_counter() - began)

        return list(self.pool.map(one, range(len(self.conns))))

    def close(self) -> None:
        pool = getattr(self, "pool", None)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        for conn in self.conns:
            conn.close()


@dataclass
class Tally:
    """Outcomes, latencies and violations of one scenario across its rounds."""

    outcomes: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    violations: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, calls: Sequence[Call]) -> None:
        for call in calls:
            self.outcomes[call.outcome] += 1
            self.latencies_ms.append(call.seconds * 1000)

    def violate(self, count: int, note: str) -> None:
        if count > 0:
            self.violations += count
            if len(self.notes) < 5:
                self.notes.append(note)


def percentile(samples: Sequence[float], pct: float) -> float:
    """The pct-th percentile (0-100) by linear interpolation; 0 for no samples."""
    if not samples:
        return 0.0
    if len(samples) == 1:
        return float(samples[0])
    return float(statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1])
