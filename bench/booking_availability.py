"""Availability latency (p50/p99) for one vet-day as the appointments table grows.

    python bench/booking_availability.py [--sizes 10000,1000000] [--calls 500]
    python bench/booking_availability.py --sizes 10000,1000000,10000000   # the full run

100 vets, each with 10 thirty-minute appointments a day (08:00-17:30 UTC, every other
half hour), as many days as the size needs, inserted straight into the table (bypassing the
function; the exclusion constraint still checks every row). After each size is reached,
get_available_slots(p_tenant_id, p_date, p_service_id, p_vet_id) is timed from the client
for one vet-day in the middle of the data. Targets: p99 < 5 ms; at 10M no more than 1.5x
slower than at 10k.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta
from typing import Any

import psycopg
from booking_common import TENANT, drop_database, fresh_database, percentile, seed_clinic

from vete.db import resolve_database_url

VETS = 100
PER_DAY = 10
FIRST_DAY = date(2031, 1, 1)

FILL = """
INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time, end_time,
                          duration_minutes)
SELECT %(tenant)s, %(pet)s, %(service)s, v.id, s, s + interval '30 minutes', 30
FROM generate_series(%(first)s::int, %(last)s::int) AS day_no
CROSS JOIN LATERAL (SELECT id FROM profiles WHERE tenant_id = %(tenant)s AND role = 'vet') v
CROSS JOIN LATERAL generate_series(
    (%(day0)s::date + day_no) + time '08:00', (%(day0)s::date + day_no) + time '17:00',
    interval '1 hour') AS local_s
CROSS JOIN LATERAL (SELECT local_s AT TIME ZONE 'UTC' AS s) AS t
"""
SLOTS = (
    "SELECT count(*) FROM get_available_slots(p_tenant_id => %s, p_date => %s,"
    " p_service_id => %s, p_vet_id => %s)"
)


def fill_to(conn: psycopg.Connection[Any], ids: dict[str, Any], have: int, want: int) -> int:
    """Insert whole days until the table holds ``want`` rows; returns the new count."""
    per_day = VETS * PER_DAY
    first, last = have // per_day, want // per_day - 1
    batch = 100  # days per transaction: 100k rows
    for start in range(first, last + 1, batch):
        conn.execute(
            FILL,
            {
                "tenant": TENANT,
                "pet": ids["pet"],
                "service": ids["service"],
                "first": start,
                "last": min(start + batch - 1, last),
                "day0": FIRST_DAY,
            },
        )
        conn.commit()
    conn.execute("ANALYZE appointments")
    conn.commit()
    return (last + 1) * per_day


def time_slots(
    conn: psycopg.Connection[Any], ids: dict[str, Any], day: date, calls: int
) -> tuple[float, float, int]:
    vet = ids["vets"][VETS // 2]
    args = [TENANT, day, ids["service"], vet]
    found = conn.execute(SLOTS, args).fetchone()[0]  # type: ignore[index]
    for _ in range(20):  # warm the plan and the cache
        conn.execute(SLOTS, args)
    samples = []
    for _ in range(calls):
        began = time.perf_counter()
        conn.execute(SLOTS, args).fetchone()
        samples.append((time.perf_counter() - began) * 1000)
    conn.commit()
    return percentile(samples, 50), percentile(samples, 99), int(found)


def measure(server_url: str, sizes: list[int], calls: int) -> dict[str, Any]:
    """p50/p99 of one vet-day's slots at each table size, in a scratch database."""
    url = fresh_database(f"vete_bench_availability_{os.getpid()}", server_url)
    rows: list[dict[str, Any]] = []
    try:
        ids = seed_clinic(url, vets=VETS)
        with psycopg.connect(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            have = 0
            for size in sizes:
                began = time.perf_counter()
                have = fill_to(conn, ids, have, size)
                filled = time.perf_counter() - began
                middle = FIRST_DAY + timedelta(days=have // (VETS * PER_DAY) // 2)
                p50, p99, found = time_slots(conn, ids, middle, calls)
                rows.append(
                    {
                        "rows": have,
                        "fill_s": round(filled, 1),
                        "p50_ms": round(p50, 3),
                        "p99_ms": round(p99, 3),
                        "slots": found,
                    }
                )
    finally:
        drop_database(url)
    first = rows[0]
    return {
        "name": "booking_availability",
        "title": "get_available_slots latency as the appointments table grows",
        "baseline": f"p99 at the smallest table ({first['rows']} rows), same run",
        "server_version": version,
        "rows": rows,
        "ratios": {
            f"p99 at {r['rows']} rows / at {first['rows']}": round(r["p99_ms"] / first["p99_ms"], 2)
            for r in rows[1:]
        },
        "target": {f"p99 at {r['rows']} rows / at {first['rows']}": 1.5 for r in rows[1:]},
    }


def run(url: str, quick: bool) -> dict[str, Any]:
    """vete bench's entry point: 1k and 10k rows, 100 calls with ``quick``."""
    return measure(url, [1000, 10000], 100) if quick else measure(url, [10000, 1000000], 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()
    result = measure(resolve_database_url(), [int(s) for s in args.sizes.split(",")], args.calls)
    print(
        f"PostgreSQL {result['server_version']}; {VETS} vets x {PER_DAY} appointments/day;"
        f" {args.calls} calls"
    )
    print(
        f"{'rows':>10} {'fill s':>8} {'p50 ms':>8} {'p99 ms':>8} {'slots':>6} {'p99/p99@first':>14}"
    )
    first = result["rows"][0]["p99_ms"]
    for r in result["rows"]:
        print(
            f"{r['rows']:>10} {r['fill_s']:>8.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f}"
            f" {r['slots']:>6} {r['p99_ms'] / first:>14.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
