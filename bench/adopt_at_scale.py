"""Benchmark: ``vete db adopt --yes --resolve`` on 2,000,000 appointments while the
application keeps reading and writing (issue 17, docs/adopt.md "At size").

1. A scratch database gets the adopt fixture (``tests/adopt/fixtures``: the original's
   schema, functions and four clinics) and the clinic "scale": ``--vets`` vets with
   ``--per-vet`` appointments each, one double booking per vet (``vete.proof.adopt_scale``).
2. The probe starts: every 50 ms, on its own connection, it reads one appointment and
   updates another, recording how long each took and whether it failed.
3. ``vete db adopt --yes --resolve --json`` runs as a user runs it (a separate process).
4. Printed: adopt's phases (duration, longest blocking lock its backend held), the probe's
   longest wait and failures, and whether any overlap is left.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/adopt_at_scale.py [--vets 200 --per-vet 10000] [--backup list]

Uses DATABASE_URL's server, or vete's embedded PostgreSQL, in a scratch database it drops
(``--keep`` keeps it). Not run by CI: it takes minutes; tests/adopt/test_at_size.py runs the
same setup at 20,000 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo, sql
from psycopg.rows import dict_row

from vete.db import connect, resolve_database_url
from vete.deploy import adopt_overlaps
from vete.proof.adopt_scale import Probe, fill_scale_clinic

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "adopt" / "fixtures"
SCRATCH = "vete_bench_adopt_at_scale"


def build(url: str, *, vets: int, per_vet: int) -> dict[str, Any]:
    admin = conninfo.make_conninfo(url, dbname="postgres")
    with connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH)))
    target = conninfo.make_conninfo(url, dbname=SCRATCH)
    started = time.perf_counter()
    with psycopg.connect(target, autocommit=True) as conn:
        for name in ("original_schema", "original_functions", "original_data"):
            conn.execute((FIXTURES / f"{name}.sql").read_text(encoding="utf-8"))  # type: ignore[arg-type]
    rows = fill_scale_clinic(target, vets=vets, per_vet=per_vet)
    return {"url": target, "rows": rows, "build_s": round(time.perf_counter() - started, 1)}


def run_adopt(url: str, backup: str) -> tuple[int, dict[str, Any], float]:
    args = [sys.executable, "-m", "vete", "db", "adopt", "--yes", "--resolve", "--json"]
    args += ["--no-backup"] if backup == "none" else ["--check", backup]
    started = time.perf_counter()
    done = subprocess.run(
        args, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - started
    try:
        payload = json.loads(done.stdout)
    except json.JSONDecodeError:
        payload = {"ok": False, "stderr": done.stderr[-2000:]}
    return done.returncode, payload, took


def _phase_at(phases: list[dict[str, Any]], at: float | None) -> str:
    """The adopt phase running at wall-clock time ``at`` (or before/after adopt)."""
    if at is None or not phases:
        return "-"
    if at < phases[0]["started_at"]:
        return "before adopt"
    for phase in reversed(phases):
        if at >= phase["started_at"]:
            end = phase["started_at"] + phase["duration_s"]
            return phase["name"] if at <= end else f"after {phase['name']}"
    return "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vets", type=int, default=200)
    parser.add_argument("--per-vet", type=int, default=10_000)
    parser.add_argument(
        "--backup", choices=("restore", "list", "none"), default="list",
        help="adopt's backup proof (--check), or none (--no-backup)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()

    url = resolve_database_url()
    built = build(url, vets=opts.vets, per_vet=opts.per_vet)
    target = built["url"]
    with Probe(target) as probe:
        time.sleep(1)  # the probe's baseline before adopt starts
        code, report, took = run_adopt(target, opts.backup)
        time.sleep(1)
    with psycopg.connect(target, row_factory=dict_row) as conn:
        left = len(adopt_overlaps.find_overlaps(conn))
        server = conn.execute("SHOW server_version").fetchone()["server_version"]  # type: ignore[index]
    result = {
        "server": server,
        "appointments": built["rows"],
        "build_s": built["build_s"],
        "adopt_exit_code": code,
        "adopt_s": round(took, 1),
        "backup": opts.backup,
        "phases": report.get("phases", []),
        "cancelled": len((report.get("resolutions") or {}).get("cancelled_appointments", [])),
        "overlaps_left": left,
        "probe": probe.report.as_json(),
        "longest_wait_during": _phase_at(report.get("phases", []), probe.report.longest_at()),
        **({} if report.get("ok") else {"adopt_error": report}),
    }
    if not opts.keep:
        with connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH))
            )
    if opts.json:
        print(json.dumps(result, indent=2, default=str))
        return
    print(f"PostgreSQL {server}, {built['rows']:,} appointments (built in {built['build_s']} s)")
    print(f"vete db adopt --yes --resolve (backup: {opts.backup}): exit {code} in {took:.1f} s")
    for p in result["phases"]:
        lock = f"{p['longest_lock_s']:.3f} s {p['longest_lock']}" if p["longest_lock"] else "none"
        print(f"  {p['name']:<40} {p['duration_s']:>8.2f} s   longest blocking lock: {lock}")
    pr = result["probe"]
    print(
        f"probe: {pr['probes']} probes, {pr['failed']} failed,"
        f" longest wait {pr['longest_wait_s']} s, p99 {pr['p99_wait_s']} s,"
        f" median {pr['median_wait_s']} s"
    )
    print(f"the longest wait began during: {result['longest_wait_during']}")
    print(f"cancelled double bookings: {result['cancelled']}; overlaps left: {left}")
    if "adopt_error" in result:
        print(json.dumps(result["adopt_error"], indent=2, default=str)[:3000])


if __name__ == "__main__":
    main()
