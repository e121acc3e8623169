"""Booking calls/s at 1, 4 and 16 clients against two baselines measured in the same run.

    python bench/booking_throughput.py [--seconds 5] [--clients 1,4,16]

(a) plain:   INSERT into a copy of appointments with no overlap constraint
(b) overlap: INSERT into a copy that has only the overlap (exclusion) constraint
booking:     book_appointment_atomic, one transaction per call, as the platform (service
             role, one statement) and as a signed-in owner (act_as + call, as over RPC)

Each client has its own connection and its own vet, and books consecutive 30-minute slots,
so the numbers measure the cost of one booking, not contention (the race tests cover that).
Every call commits (synchronous_commit as the server has it). Target: booking >= 0.8 x (b).
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from booking_common import TENANT, drop_database, fresh_database, seed_clinic
from psycopg import sql

from vete.db import resolve_database_url
from vete.session import act_as

START = datetime(2031, 1, 1, tzinfo=UTC)
SLOT = timedelta(minutes=30)

BASELINE_DDL = """
CREATE TABLE bench_plain (LIKE appointments INCLUDING DEFAULTS);
ALTER TABLE bench_plain ADD PRIMARY KEY (tenant_id, id);
CREATE TABLE bench_overlap (LIKE appointments INCLUDING DEFAULTS INCLUDING GENERATED);
ALTER TABLE bench_overlap ADD PRIMARY KEY (tenant_id, id);
ALTER TABLE bench_overlap ADD CONSTRAINT bench_overlap_no_overlap EXCLUDE USING gist (
    vete.vet_key(tenant_id, vet_id) WITH &&, blocked_range WITH &&
) WHERE (vete.is_active_status(status) AND deleted_at IS NULL);
"""

INSERT = sql.SQL(
    "INSERT INTO {table} (tenant_id, pet_id, service_id, vet_id, start_time, end_time,"
    " duration_minutes) VALUES (%s, %s, %s, %s, %s, %s, 30)"
)
BOOK = (
    "SELECT book_appointment_atomic(p_tenant_id => %s, p_pet_id => %s, p_service_id => %s,"
    " p_vet_id => %s, p_start_time => %s) AS r"
)


def make_ops(
    ids: dict[str, Any],
) -> dict[str, Callable[[psycopg.Connection[Any], Any, datetime], None]]:
    def insert_into(table: str) -> Callable[[psycopg.Connection[Any], Any, datetime], None]:
        statement = INSERT.format(table=sql.Identifier(table))

        def op(conn: psycopg.Connection[Any], vet: Any, start: datetime) -> None:
            conn.execute(statement, [TENANT, ids["pet"], ids["service"], vet, start, start + SLOT])
            conn.commit()

        return op

    def book(conn: psycopg.Connection[Any], vet: Any, start: datetime) -> None:
        row = conn.execute(BOOK, [TENANT, ids["pet"], ids["service"], vet, start]).fetchone()
        conn.commit()
        assert row is not None
        assert row[0]["success"], row

    def book_as_owner(conn: psycopg.Connection[Any], vet: Any, start: datetime) -> None:
        act_as(conn, user_id=ids["owner"], role="authenticated")
        book(conn, vet, start)

    return {
        "(a) plain insert": insert_into("bench_plain"),
        "(b) insert + overlap constraint": insert_into("bench_overlap"),
        "booking, service role": book,
        "booking, owner over RPC": book_as_owner,
    }


def run_op(
    url: str, op: Callable[..., None], vets: list[Any], seconds: float, offset: int
) -> float:
    """Calls/s of ``op`` with one client per vet for ``seconds``."""
    counts = [0] * len(vets)
    barrier = threading.Barrier(len(vets) + 1)
    stop = threading.Event()

    def client(index: int) -> None:
        with psycopg.connect(url) as conn:
            start = START + timedelta(days=offset)
            barrier.wait()
            while not stop.is_set():
                op(conn, vets[index], start + counts[index] * SLOT)
                counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(vets))]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def measure(server_url: str, seconds: float, levels: list[int], repeats: int = 1) -> dict[str, Any]:
    """Calls/s per operation and client count in a scratch database on ``server_url``.

    Each cell runs ``repeats`` times, the operations alternating, and reports the median:
    on a shared machine one window can swing 2-3x.
    """
    url = fresh_database(f"vete_bench_throughput_{os.getpid()}", server_url)
    try:
        ids = seed_clinic(url, vets=max(levels))
        with psycopg.connect(url) as conn:
            conn.execute(BASELINE_DDL)
            version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        ops = make_ops(ids)
        rows = []
        for n, clients in enumerate(levels):
            samples: dict[str, list[float]] = {name: [] for name in ops}
            for r in range(repeats):
                for i, (name, op) in enumerate(ops.items()):
                    offset = 1000 * (n * 100 + r * 10 + i)  # days: every cell books its own slots
                    samples[name].append(run_op(url, op, ids["vets"][:clients], seconds, offset))
            rates = {name: statistics.median(values) for name, values in samples.items()}
            rows.append({"clients": clients} | {name: round(r) for name, r in rates.items()})
    finally:
        drop_database(url)
    base = "(b) insert + overlap constraint"
    ratios = {
        f"{name} / (b), {row['clients']} clients": round(row[name] / row[base], 2)
        for row in rows
        for name in ("booking, service role", "booking, owner over RPC")
    }
    return {
        "name": "booking_throughput",
        "title": "book_appointment_atomic calls/s against inserts in the same run",
        "baseline": "(b): a plain INSERT into a copy of appointments with the overlap constraint",
        "server_version": version,
        "rows": rows,
        "ratios": ratios,
        "target": {label: 0.8 for label in ratios},
    }


def run(url: str, quick: bool) -> dict[str, Any]:
    """vete bench's entry point: 0.5 s per cell at 1 and 4 clients with ``quick``."""
    return measure(url, 0.5, [1, 4]) if quick else measure(url, 3.0, [1, 4, 16], repeats=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    result = measure(resolve_database_url(), args.seconds, levels, args.repeats)
    names = [k for k in result["rows"][0] if k != "clients"]
    print(
        f"PostgreSQL {result['server_version']}; median of {args.repeats} x {args.seconds:g} s"
        " per cell; calls/s (one commit per call)"
    )
    print(f"{'clients':>8} " + " ".join(f"{name:>32}" for name in names) + f" {'booking/(b)':>12}")
    base = "(b) insert + overlap constraint"
    for row in result["rows"]:
        ratio = " / ".join(
            f"{row[name] / row[base]:.2f}"
            for name in ("booking, service role", "booking, owner over RPC")
        )
        print(
            f"{row['clients']:>8} "
            + " ".join(f"{row[name]:>32}" for name in names)
            + f" {ratio:>12}"
        )


if __name__ == "__main__":
    main()
