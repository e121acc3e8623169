"""Server CPU per call of booking and merging against their baselines, measured in one run.

    python bench/server_cpu.py [--calls 1000] [--repeats 3]

Throughput on a shared machine swings with other load; the CPU time the server process
spends per call does not. Each statement runs --calls times on its own connection
(autocommit, one transaction per call, as the throughput benchmarks do) and the
backend's utime + stime is read from /proc before and after, so the server must run on
this machine (vete's embedded one, or a local DATABASE_URL). Reported: the median over
--repeats of CPU microseconds per call, and each one's ratio to its baseline. When the
server's CPU is the bottleneck, throughput ratios cannot beat these.
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosql
import psycopg
from booking_common import fresh_database, seed_clinic
from psycopg.types.json import Jsonb

from vete.db import connect

QUERIES: Any = aiosql.from_path(Path(__file__).with_suffix(".sql"), "psycopg")
SHOP: Any = aiosql.from_path(Path(__file__).with_name("store_merge.sql"), "psycopg")
TICK = os.sysconf("SC_CLK_TCK")
START = datetime(2031, 1, 1, tzinfo=UTC)


def backend_cpu(pid: int) -> float:
    """utime + stime of a server process, in seconds (fields 14 and 15 of /proc/pid/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_per_call(url: str, call: Callable[[psycopg.Connection[Any], int], Any], n: int) -> float:
    """Microseconds of server CPU per call, after 20 warm-up calls (plans cached)."""
    with connect(url, autocommit=True) as conn:
        pid = QUERIES.backend_pid(conn)
        for i in range(20):
            call(conn, i)
        before = backend_cpu(pid)
        for i in range(20, 20 + n):
            call(conn, i)
        return (backend_cpu(pid) - before) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = fresh_database("vete_bench_cpu")
    ids = seed_clinic(url, vets=1)
    with connect(url) as conn:
        QUERIES.create_baseline_table(conn)
        shop = SHOP.create_bench_shop(conn, customers=1, products=5)
        conn.commit()
        version = conn.info.parameter_status("server_version")
    booking = {"pet": ids["pet"], "service": ids["service"], "vet": ids["vets"][0]}
    customer = shop["customers"][0]
    items = Jsonb(
        [
            {"id": p, "type": "product", "name": "x", "price": 1, "quantity": 3}
            for p in shop["products"]
        ]
    )
    offset = [0]

    def booking_call(query: Callable[..., Any]) -> Callable[[psycopg.Connection[Any], int], Any]:
        def call(conn: psycopg.Connection[Any], i: int) -> Any:
            offset[0] += 1  # every call books its own 30 minutes
            return query(conn, **booking, start=START + offset[0] * timedelta(minutes=30))

        return call

    calls: dict[str, Callable[[psycopg.Connection[Any], int], Any]] = {
        "(b) insert + overlap constraint": booking_call(QUERIES.overlap_insert),
        "insert into appointments": booking_call(QUERIES.appointment_insert),
        "book_appointment_atomic": booking_call(QUERIES.book),
        "upsert of the cart JSON": lambda conn, i: QUERIES.upsert(
            conn, customer_id=customer, items=items
        ),
        "merge_cart_atomic": lambda conn, i: QUERIES.merge(conn, customer_id=customer, items=items),
        "merge, engine only": lambda conn, i: QUERIES.merge_engine(
            conn, customer_id=customer, items=items
        ),
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(args.repeats):
        for name, call in calls.items():
            samples[name].append(cpu_per_call(url, call, args.calls))
    cpu = {name: statistics.median(values) for name, values in samples.items()}
    base = {name: "(b) insert + overlap constraint" for name in list(calls)[:3]}
    base |= {name: "upsert of the cart JSON" for name in list(calls)[3:]}
    print(
        f"PostgreSQL {version}; server CPU per call, median of {args.repeats} x {args.calls} calls"
    )
    print(f"{'statement':>34} {'CPU us/call':>12} {'baseline/this':>14}")
    for name, value in cpu.items():
        print(f"{name:>34} {value:>12.0f} {cpu[base[name]] / value:>14.2f}")


if __name__ == "__main__":
    main()
