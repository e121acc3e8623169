"""Booking over HTTP (vete serve's app under uvicorn) against pgbench calling the same SQL
function directly, in the same run: requests/s and p50/p99 at 16 and 64 clients.

    .venv/bin/python bench/api_booking.py [--seconds 10] [--clients 16,64] [--workers 1]
                                          [--load wrk|python] [--warmup 3] [--json]

Also part of `vete bench` (run(): 16 and 64 clients for 10 s; --quick: 16 clients for 1 s).
It works in a scratch database (vete_bench_api) that it drops afterwards.

HTTP: each client (an asyncio task with a keep-alive connection) books consecutive 30-minute
slots of its own vet with an owner's Bearer token: POST /api/clinics/{id}/appointments, one
transaction per request (act_as + book_appointment_atomic + commit), as the API does.
pgbench: the same transaction (set the claims, SET LOCAL ROLE authenticated, call
book_appointment_atomic, COMMIT) with -M prepared, each client on its own vet at random
slots. Targets: HTTP >= 0.3 x pgbench; p99 < 50 ms at 16 clients.

The HTTP load comes from Debian's wrk when it is installed (`--load wrk`, the default then):
a native generator takes little of the 2 cores the server and PostgreSQL share, as pgbench
does on its side. `--load python` drives the same requests from httpx (asyncio), whose own
CPU use halves the rate the server can show here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from booking_common import TENANT, drop_database, fresh_database, percentile, seed_clinic

from vete.api import mint_token
from vete.db import resolve_database_url
from vete.db.embedded import bin_dir

SECRET = "bench-secret-0123456789-0123456789-0123"
METRICS_TOKEN = "bench-metrics-token-0123456789"
START = datetime(2031, 1, 1, tzinfo=UTC)
SLOT = timedelta(minutes=30)
#: HTTP requests/s over pgbench transactions/s, asked for at 16 and 64 clients.
TARGET_RATIO = 0.3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, *, workers: int, pool_size: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VETE_JWT_SECRET": SECRET,
        "VETE_POOL_SIZE": str(pool_size),
        # /metrics answers only the operator's token (booking_answers reads it).
        "VETE_METRICS_TOKEN": METRICS_TOKEN,
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "vete.app:app_from_settings",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the API server did not start")


async def http_run(
    base: str, ids: dict[str, Any], clients: int, seconds: float, offset: int
) -> dict[str, float]:
    token = mint_token(SECRET, user_id=ids["owner"], ttl_s=3600)
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal failures
        vet = ids["vets"][n % len(ids["vets"])]
        slot = offset
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
            while time.perf_counter() < deadline:
                body = {
                    "pet_id": str(ids["pet"]),
                    "service_id": str(ids["service"]),
                    "vet_id": str(vet),
                    "start_time": (START + slot * SLOT).isoformat(),
                }
                slot += 1
                t0 = time.perf_counter()
                r = await c.post(f"/api/clinics/{TENANT}/appointments", json=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 201:
                    failures += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "rate": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "failures": failures,
    }


# wrk's Lua: each request books the next (vet, slot) pair of its thread, so no two requests
# of a run ask for the same slot; non-2xx answers are counted.
WRK_SCRIPT = """
local vets = {%(vets)s}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  local vet = vets[(counter %% #vets) + 1]
  local slot = math.floor(counter / #vets) + tid * 1000000 + %(offset)d
  local body = string.format(
    '{"pet_id":"%(pet)s","service_id":"%(service)s","vet_id":"%%s","start_time":"%%s"}',
    vet, os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ", %(start)d + slot * 1800))
  return wrk.format("POST", "/api/clinics/%(tenant)s/appointments",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %(token)s"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%f %%f %%f %%d\\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def wrk_run(
    base: str, ids: dict[str, Any], clients: int, seconds: float, offset: int
) -> dict[str, float]:
    """The same requests driven by wrk (C): the load generator takes little of the 2 cores."""
    token = mint_token(SECRET, user_id=ids["owner"], ttl_s=3600)
    script = WRK_SCRIPT % {
        "vets": ",".join(f'"{v}"' for v in ids["vets"]),
        "offset": offset,
        "pet": ids["pet"],
        "service": ids["service"],
        "tenant": TENANT,
        "token": token,
        "start": int(START.timestamp()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", handle.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT "))
    rate, p50, p99, failures = line.split()[1:]
    return {
        "rate": float(rate),
        "p50_ms": float(p50),
        "p99_ms": float(p99),
        "failures": float(failures),
    }


# pgbench books random slots from 2200 on; the HTTP clients' slots (from 2031, at most ~2M
# half-hours per thread and offset) end before 2150, so the two never take each other's slot.
PGBENCH_SCRIPT = "\n".join(
    [
        r"\set slot random(0, 20000000)",
        "BEGIN;",
        "SELECT set_config('request.jwt.claims', '{claims}', true),"
        " set_config('role', 'authenticated', true);",
        "SELECT book_appointment_atomic(p_tenant_id => '{tenant}', p_pet_id => '{pet}',"
        " p_service_id => '{service}',"
        " p_vet_id => (SELECT vet FROM bench_vets WHERE n = :client_id % {vets}),"
        " p_start_time => '2200-01-01 00:00+00'::timestamptz + :slot * interval '30 minutes');",
        "COMMIT;",
        "",
    ]
)


def pgbench_run(url: str, ids: dict[str, Any], clients: int, seconds: float) -> dict[str, float]:
    params = psycopg.conninfo.conninfo_to_dict(url)
    claims = json.dumps({"sub": str(ids["owner"]), "role": "authenticated"})
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "book.sql"
        script.write_text(
            PGBENCH_SCRIPT.format(
                claims=claims,
                tenant=TENANT,
                pet=ids["pet"],
                service=ids["service"],
                vets=len(ids["vets"]),
            )
        )
        env = {
            **os.environ,
            "PGHOST": str(params.get("host", "")),
            "PGPORT": str(params.get("port") or 5432),
            "PGUSER": str(params.get("user", "postgres")),
            "PGDATABASE": str(params["dbname"]),
        }
        if params.get("password"):
            env["PGPASSWORD"] = str(params["password"])
        subprocess.run(
            [
                str(bin_dir() / "pgbench"),
                "-n",
                "-M",
                "prepared",
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(int(seconds)),
                "-f",
                str(script),
                "-l",
                "--log-prefix",
                str(Path(tmp) / "log"),
            ],
            env=env,
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        latencies = []
        for log in Path(tmp).glob("log*"):
            for line in log.read_text().splitlines():
                latencies.append(int(line.split()[2]) / 1e6)
    return {
        "rate": len(latencies) / seconds,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "failures": 0,
    }


def booking_answers(base: str) -> dict[str, int]:
    """HTTP statuses of the booking route over the whole run, from the server's /metrics.

    wrk counts only that an answer was not 2xx; this says which (409 a taken slot, 503 no
    free connection in time...). With several workers it is the answering worker's count.
    """
    headers = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    response = httpx.get(base + "/metrics", headers=headers, timeout=10)
    response.raise_for_status()
    text = response.text
    answers: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("vete_http_requests_total{") and 'method="POST"' in line:
            labels, value = line.rsplit(" ", 1)
            if "/appointments" in labels and "appointment_id" not in labels:
                status = labels.split('status="', 1)[1].split('"', 1)[0]
                answers[status] = answers.get(status, 0) + int(float(value))
    return answers


def default_load() -> str:
    """wrk when Debian's wrk is installed, else the Python generator."""
    return "wrk" if shutil.which("wrk") else "python"


def measure(
    server_url: str,
    *,
    seconds: float,
    clients: list[int],
    workers: int = 1,
    pool_size: int = 16,
    warmup: float = 3.0,
    load: str | None = None,
) -> dict[str, Any]:
    """Every client count, HTTP against pgbench, in a scratch database it drops after."""
    load = load or default_load()
    url = fresh_database("vete_bench_api", server_url)
    try:
        ids = seed_clinic(url, vets=64)
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE bench_vets (n int PRIMARY KEY, vet uuid NOT NULL)")
            conn.cursor().executemany(
                "INSERT INTO bench_vets VALUES (%s, %s)", list(enumerate(ids["vets"]))
            )
            conn.execute("GRANT SELECT ON bench_vets TO authenticated")
            version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        proc, base = start_server(url, workers=workers, pool_size=pool_size)

        def http(count: int, duration: float, slots_from: int) -> dict[str, float]:
            if load == "wrk":
                return wrk_run(base, ids, count, duration, offset=slots_from)
            return asyncio.run(http_run(base, ids, count, duration, offset=slots_from))

        rows = []
        try:
            if warmup > 0:
                # Not measured: fills the pool and compiles the PL/pgSQL and plans in each
                # pooled backend, as on a server that has been up for a while. (Each
                # pgbench run connects anew; its first transactions are cold, and counted.)
                http(max(clients), warmup, slots_from=900_000)
            for i, count in enumerate(clients):
                pg = pgbench_run(url, ids, count, seconds)
                web = http(count, seconds, slots_from=i * 100_000)
                rows.append(
                    {
                        "clients": count,
                        "pgbench_tx_per_s": round(pg["rate"]),
                        "pgbench_p50_ms": round(pg["p50_ms"], 1),
                        "pgbench_p99_ms": round(pg["p99_ms"], 1),
                        "http_req_per_s": round(web["rate"]),
                        "http_p50_ms": round(web["p50_ms"], 1),
                        "http_p99_ms": round(web["p99_ms"], 1),
                        "ratio": round(web["rate"] / pg["rate"], 2),
                        "non_201": int(web["failures"]),
                    }
                )
            answers = booking_answers(base)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        drop_database(url)
    return {
        "name": "api_booking",
        "title": "booking over HTTP against pgbench calling the same SQL function",
        "baseline": "pgbench -M prepared: claims, SET LOCAL ROLE, book_appointment_atomic, COMMIT",
        "server_version": version,
        "settings": {"seconds": seconds, "workers": workers, "pool_size": pool_size, "load": load},
        "rows": rows,
        "booking_answers": answers,
        "ratios": {f"HTTP / pgbench, {r['clients']} clients": r["ratio"] for r in rows},
        "target": {f"HTTP / pgbench, {r['clients']} clients": TARGET_RATIO for r in rows},
    }


def run(url: str, quick: bool) -> dict[str, Any]:
    """vete bench's entry point: 16 clients for 1 s with ``quick``, else 16 and 64 for 10 s."""
    if quick:
        return measure(url, seconds=1, clients=[16], warmup=0.5)
    return measure(url, seconds=10, clients=[16, 64])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", default="16,64")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="uvicorn worker processes (1, as `vete serve` runs by default)",
    )
    parser.add_argument("--pool-size", type=int, default=16)
    parser.add_argument(
        "--warmup",
        type=float,
        default=3,
        help="seconds of unmeasured HTTP load first (0: measure a cold server)",
    )
    parser.add_argument(
        "--load",
        choices=["wrk", "python"],
        default=default_load(),
        help="HTTP load generator: wrk (Debian's, native) or the Python httpx client",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = measure(
        resolve_database_url(),
        seconds=args.seconds,
        clients=[int(c) for c in args.clients.split(",")],
        workers=args.workers,
        pool_size=args.pool_size,
        warmup=args.warmup,
        load=args.load,
    )
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"PostgreSQL {result['server_version']}; {args.seconds:g} s per cell;"
        f" uvicorn workers={args.workers}, pool={args.pool_size}/worker; load: {args.load}"
    )
    print(
        "| clients | pgbench tx/s | pgbench p50 / p99 ms | HTTP req/s | HTTP p50 / p99 ms"
        " | HTTP/pgbench | non-201 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in result["rows"]:
        print(
            f"| {r['clients']} | {r['pgbench_tx_per_s']} | {r['pgbench_p50_ms']} /"
            f" {r['pgbench_p99_ms']} | {r['http_req_per_s']} | {r['http_p50_ms']} /"
            f" {r['http_p99_ms']} | {r['ratio']}x | {r['non_201']} |"
        )
    print(f"booking answers by HTTP status (warm-up included): {result['booking_answers']}")


if __name__ == "__main__":
    main()
