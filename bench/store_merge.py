"""Benchmark: merge_cart_atomic against a plain INSERT ... ON CONFLICT DO UPDATE, same run.

Each "device" is a thread with its own connection, writing one device cart of 5 product
lines per transaction (autocommit, as a Supabase RPC call is) for --seconds. Both sides
run on the same direct connections with the same JSON; vete's merge additionally
validates, creates-then-locks the cart row, merges by (id, type), re-prices and clamps.
Runs alternate (baseline, merge, baseline, merge ...) and the median of --repeats is
reported. "8 devices, one cart" is the login race (all devices of one customer); "8
devices, 8 carts" is throughput without contention.

    .venv/bin/python bench/store_merge.py [--seconds 3] [--repeats 3] [--json]

Uses DATABASE_URL, or vete's embedded PostgreSQL; works in a scratch database it drops.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosql
import psycopg
from psycopg import conninfo, sql
from psycopg.types.json import Jsonb

from vete.db import connect, resolve_database_url
from vete.testing.plugin import apply_schema

QUERIES: Any = aiosql.from_path(Path(__file__).with_suffix(".sql"), "psycopg")
TARGET = 0.8


def device_items(products: list[str], device: int, i: int) -> Jsonb:
    """The device's cart on its i-th write: 5 lines, quantities that keep changing."""
    picks = [products[(device * 3 + k) % len(products)] for k in range(5)]
    return Jsonb(
        [
            {"id": p, "type": "product", "name": "x", "price": 1, "quantity": 1 + (i + k) % 9}
            for k, p in enumerate(picks)
        ]
    )


def run_case(
    url: str, devices: int, customers: list[str], products: list[str], seconds: float, kind: str
) -> float:
    """Writes per second over ``devices`` connections for ``seconds``."""
    conns = [connect(url, autocommit=True) for _ in range(devices)]
    counts = [0] * devices
    barrier = threading.Barrier(devices + 1)
    write: Callable[..., Any] = QUERIES.merge if kind == "merge" else QUERIES.upsert

    def loop(d: int) -> None:
        conn, customer = conns[d], customers[d % len(customers)]
        barrier.wait()
        deadline = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < deadline:
            result = write(conn, customer_id=customer, items=device_items(products, d, i))
            if kind == "merge" and not result["success"]:
                raise RuntimeError(f"merge failed: {result}")
            i += 1
        counts[d] = i

    threads = [threading.Thread(target=loop, args=(d,)) for d in range(devices)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return sum(counts) / elapsed


def scratch_database(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh database with vete's migrations, and the function that drops it."""
    name = f"vete_bench_store_{os.getpid()}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    target = conninfo.make_conninfo(url, dbname=name)
    apply_schema(target)

    def drop() -> None:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()

    return target, drop


def measure(server_url: str, seconds: float, repeats: int) -> dict[str, Any]:
    """Every case, in a scratch database on ``server_url``; the result vete bench reports."""
    url, drop = scratch_database(server_url)
    try:
        with connect(url) as conn:
            ids = QUERIES.create_bench_shop(conn, customers=8, products=20)
            conn.commit()
            version = conn.info.parameter_status("server_version")
        customers, products = ids["customers"], ids["products"]
        cases = [
            ("1 device", 1, customers[:1]),
            ("8 devices, one cart", 8, customers[:1]),
            ("8 devices, 8 carts", 8, customers),
        ]
        rows = []
        for label, devices, who in cases:
            rates: dict[str, list[float]] = {"upsert": [], "merge": []}
            for _ in range(repeats):
                for kind in ("upsert", "merge"):
                    rates[kind].append(run_case(url, devices, who, products, seconds, kind))
            upsert, merge = (statistics.median(rates[k]) for k in ("upsert", "merge"))
            rows.append(
                {
                    "case": label,
                    "upsert_per_s": round(upsert),
                    "merge_per_s": round(merge),
                    "ratio": round(merge / upsert, 2),
                }
            )
    finally:
        drop()
    return {
        "name": "store_merge",
        "title": "merge_cart_atomic against a plain upsert of the same JSON",
        "baseline": "INSERT ... ON CONFLICT DO UPDATE of the same items (no validation, no merge)",
        "server_version": version,
        "rows": rows,
        "ratios": {f"merge / upsert, {r['case']}": r["ratio"] for r in rows},
        "target": {f"merge / upsert, {r['case']}": TARGET for r in rows},
    }


def run(url: str, quick: bool) -> dict[str, Any]:
    """vete bench's entry point: a short run (0.3 s, once) with ``quick``."""
    return measure(url, 0.3, 1) if quick else measure(url, 3.0, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(resolve_database_url(), args.seconds, args.repeats)
    version, rows = result["server_version"], result["rows"]

    if args.json:
        print(json.dumps({"server_version": version, "target": TARGET, "results": rows}))
        return
    print(f"PostgreSQL {version}, {args.repeats} x {args.seconds:g} s per side, median")
    print("| case | plain upsert /s | merge_cart_atomic /s | ratio |")
    print("|---|---:|---:|---:|")
    for r in rows:
        ok = "" if r["ratio"] >= TARGET else " (below 0.8 target)"
        print(f"| {r['case']} | {r['upsert_per_s']} | {r['merge_per_s']} | {r['ratio']}x{ok} |")


if __name__ == "__main__":
    main()
