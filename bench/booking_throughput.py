"""Booking calls/s at 1, 4 and 16 clients against two baselines measured in the same run.

    python bench/booking_throughput.py [--seconds 3] [--repeats 3] [--clients 1,4,16]

(a) plain:   INSERT into a copy of appointments with no overlap constraint
(b) overlap: INSERT into a copy that has only the overlap (exclusion) constraint
booking:     book_appointment_atomic, one transaction per call, as the platform (service
             role, one statement) and as a signed-in owner (act_as + call, as over RPC)

Each client has its own connection and its own vet, and books consecutive 30-minute slots,
so the numbers measure the cost of one booking, not contention (the race tests cover that).
Every call commits (synchronous_commit as the server has it). The four cells of one client
count run one after the other, --repeats times, and each cell reports its median, so load
from other processes on the machine hits every column alike. Target: booking >= 0.8 x (b).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from booking_common import TENANT, fresh_database, seed_clinic
from psycopg import sql

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


def run(url: str, op: Callable[..., None], vets: list[Any], seconds: float, offset: int) -> float:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", default="1,4,16")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    url = fresh_database("vete_bench_throughput")
    ids = seed_clinic(url, vets=max(levels))
    with psycopg.connect(url) as conn:
        conn.execute(BASELINE_DDL)
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    ops = make_ops(ids)
    print(
        f"PostgreSQL {version}; median of {args.repeats} x {args.seconds:g} s per cell;"
        " calls/s (one commit per call)"
    )
    print(f"{'clients':>8} " + " ".join(f"{name:>32}" for name in ops) + f" {'booking/(b)':>12}")
    for n, clients in enumerate(levels):
        samples: dict[str, list[float]] = {name: [] for name in ops}
        for r in range(args.repeats):
            for i, (name, op) in enumerate(ops.items()):
                offset = 1000 * (n * 100 + r * 10 + i)  # days: every cell books its own slots
                samples[name].append(run(url, op, ids["vets"][:clients], args.seconds, offset))
        rates = {name: statistics.median(values) for name, values in samples.items()}
        base = rates["(b) insert + overlap constraint"]
        ratio = " / ".join(
            f"{rates[name] / base:.2f}"
            for name in ("booking, service role", "booking, owner over RPC")
        )
        print(
            f"{clients:>8} "
            + " ".join(f"{rate:>32.0f}" for rate in rates.values())
            + f" {ratio:>12}"
        )


if __name__ == "__main__":
    main()
