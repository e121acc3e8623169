"""``vete db monitor``: check vete's invariants on live data, once or over a window.

The checks read the tables with queries of their own (never trusting the constraints
that should make them pass) and call the deployed functions the way ``vete db verify``
does (verify scripts and NULL probes, rolled back, no history written):

    overlapping_appointments   two active appointments of one vet overlap (buffer included)
    duplicate_cart_lines       one cart holds the same (id, type) twice
    negative_stock             an inventory row is below zero
    deployed_functions         the functions callers rely on exist, and pass their checks
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete import deploy as deployer
from vete.db import connect
from vete.errors import InvalidInput

_queries: Any = aiosql.from_path(Path(__file__).with_name("monitor.sql"), "psycopg")

#: The public functions callers rely on (the original's RPC contract and vete's additions).
REQUIRED_FUNCTIONS = (
    "book_appointment_atomic",
    "reschedule_appointment_atomic",
    "cancel_appointment",
    "set_appointment_status",
    "get_available_slots",
    "merge_cart_atomic",
    "get_cart",
    "add_cart_item",
    "set_cart_item_quantity",
    "remove_cart_item",
    "clear_cart",
    "checkout_cart",
)
DATA_CHECKS = ("overlapping_appointments", "duplicate_cart_lines", "negative_stock")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Check:
    """One invariant's state: how many violations, and a few examples."""

    name: str
    ok: bool
    count: int
    details: tuple[dict[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "count": self.count, "details": self.details}


@dataclass(frozen=True, slots=True)
class Run:
    """Every check at one moment."""

    at: datetime
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at, "ok": self.ok, "checks": [c.as_json() for c in self.checks]}


@dataclass
class MonitorReport:
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "runs": [r.as_json() for r in self.runs]}


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``5m``, ``1h``, ``2d``, ``500ms`` or a bare number of seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*", text or "")
    if not match:
        raise InvalidInput(f"not a duration: {text!r} (use e.g. 30s, 5m, 1h)")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


def check_once(conn: psycopg.Connection[Any]) -> Run:
    """Run every check now (on an autocommit connection); writes nothing."""
    at = datetime.now(UTC)
    checks = [_data_check(conn, name) for name in DATA_CHECKS]
    checks.append(_functions_check(conn))
    return Run(at=at, checks=tuple(checks))


def monitor(
    url: str,
    *,
    window_s: float = 0,
    interval_s: float = 30,
    on_run: Callable[[Run], None] | None = None,
) -> MonitorReport:
    """Check once, or at 0, ``interval_s``, 2 x ``interval_s`` … up to ``window_s``.

    Runs are scheduled on that grid, so a window holds ``window // interval + 1`` runs
    however long each check takes (a late run starts at once).
    """
    if interval_s <= 0:
        raise InvalidInput("the interval must be positive")
    report = MonitorReport()
    started = time.monotonic()
    runs = int(window_s // interval_s) + 1 if window_s > 0 else 1
    with connect(url, autocommit=True) as conn:
        for n in range(runs):
            # Pacing between checks, not synchronisation: nothing waits on another thread.
            time.sleep(max(0.0, started + n * interval_s - time.monotonic()))
            run = check_once(conn)
            report.runs.append(run)
            if on_run is not None:
                on_run(run)
    return report


def _data_check(conn: psycopg.Connection[Any], name: str) -> Check:
    try:
        rows = list(getattr(_queries, name)(conn))
    except psycopg.errors.UndefinedTable as exc:
        return Check(name, False, 1, ({"error": f"table missing: {exc.diag.message_primary}"},))
    count = int(rows[0]["total"]) if rows else 0
    details = tuple({k: v for k, v in r.items() if k != "total"} for r in rows)
    return Check(name, count == 0, count, details)


def _functions_check(conn: psycopg.Connection[Any]) -> Check:
    missing = [r["name"] for r in _queries.missing_functions(conn, names=list(REQUIRED_FUNCTIONS))]
    details: list[dict[str, Any]] = [{"missing": name} for name in missing]
    report = deployer.verify(conn, deployer.vete_source(), record=False)
    details += [{"failed": failure} for failure in report.failures]
    if not report.checked:
        details.append({"failed": "no applied vete migration is recorded: nothing verified"})
    return Check("deployed_functions", not details, len(details), tuple(details))
