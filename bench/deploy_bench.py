"""Benchmark: what vete's deployer costs over the manual runbook's tools, same run.

1. Fresh database, vete's full migration set: ``vete db deploy`` (no backup) against
   ``psql -1 -v ON_ERROR_STOP=1 -f`` of the same files, each on a new empty database.
   vete additionally lints, snapshots the catalog, runs verify scripts and probes every
   PL/pgSQL function; the ratio says what that proof costs.
2. A database holding ``--size-mb`` of appointments (default 1024): backup + deploy of one
   small pending migration (``vete db deploy`` with its pg_dump, ``--check list``) against
   plain ``pg_dump -Fc`` plus ``psql -f`` of the same file, alternating after a warm-up.

    .venv/bin/python bench/deploy_bench.py [--size-mb 1024] [--repeats 3] [--json]

Uses DATABASE_URL's server, or vete's embedded PostgreSQL; works in scratch databases it
drops. Ratios are vete's time over the baseline's: lower is better, 1.0 is parity.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from psycopg import conninfo, sql

from vete.db import connect, resolve_database_url
from vete.deploy import backup as backups
from vete.deploy import runner
from vete.deploy.source import Source, vete_source

SMALL_MIGRATION = (
    "-- vete:expect-notice bench column ready\n"
    "ALTER TABLE public.appointments ADD COLUMN IF NOT EXISTS bench_note text;\n"
    "DO $$ BEGIN RAISE NOTICE 'bench column ready'; END $$;\n"
)


def server_url(url: str, dbname: str) -> str:
    return conninfo.make_conninfo(url, dbname=dbname)


@contextmanager
def scratch(url: str, name: str) -> Iterator[str]:
    with connect(server_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server_url(url, name)
    finally:
        with connect(server_url(url, "postgres"), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def psql_files(url: str, files: list[Path]) -> None:
    psql = backups.client_tool("psql", backups.server_version_num(url))
    for path in files:
        subprocess.run(
            [psql, "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)],
            check=True,
            capture_output=True,
        )


def vete_deploy(url: str, source: Source, **options: Any) -> runner.DeployReport:
    return runner.deploy(url, source, runner.DeployOptions(**options), lambda *_: None)


def bench_full_set(url: str, repeats: int) -> dict[str, Any]:
    files = [m.path for m in vete_source().load().migrations]
    vete_times, psql_times = [], []
    for i in range(repeats):
        with scratch(url, f"vete_bench_deploy_{i}") as target:
            vete_times.append(timed(lambda t=target: vete_deploy(t, vete_source(), backup=False)))
        with scratch(url, f"vete_bench_psql_{i}") as target:
            psql_times.append(timed(lambda t=target: psql_files(t, files)))
    vete_s, psql_s = statistics.median(vete_times), statistics.median(psql_times)
    return {
        "name": "deploy: full vete migration set on a fresh database",
        "files": len(files),
        "vete_deploy_s": round(vete_s, 3),
        "psql_f_s": round(psql_s, 3),
        "ratio": round(vete_s / psql_s, 2),
    }


def load_appointments(url: str, size_mb: int) -> dict[str, Any]:
    """Fill appointments (directly, as service_role) until the table reaches ``size_mb``."""
    with connect(url, autocommit=True) as conn:
        conn.execute(
            """
            INSERT INTO tenants (id, name, timezone) VALUES ('bench', 'Bench', 'UTC');
            INSERT INTO profiles (tenant_id, id, role, full_name)
                SELECT 'bench', ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
                       CASE WHEN g <= 50 THEN 'vet' ELSE 'owner' END, 'P' || g
                FROM generate_series(1, 51) g;
            INSERT INTO pets (tenant_id, id, owner_id, name)
                VALUES ('bench', '10000000-0000-4000-8000-000000000001',
                        '00000000-0000-4000-8000-000000000051', 'Rex');
            INSERT INTO services (tenant_id, id, name, duration_minutes)
                VALUES ('bench', '20000000-0000-4000-8000-000000000001', 'Consult', 30);
            """
        )
        batch, total_rows = 200_000, 0
        while True:
            size = conn.execute(
                "SELECT pg_total_relation_size('public.appointments') AS b"
            ).fetchone()
            assert size is not None
            if size["b"] >= size_mb * 1024 * 1024:
                break
            conn.execute(
                """
                INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time,
                                          end_time, duration_minutes, reason, notes)
                SELECT 'bench', '10000000-0000-4000-8000-000000000001',
                       '20000000-0000-4000-8000-000000000001',
                       ('00000000-0000-4000-8000-' || lpad((1 + n %% 50)::text, 12, '0'))::uuid,
                       timestamptz '2020-01-01' + (n / 50) * interval '30 minutes',
                       timestamptz '2020-01-01' + (n / 50) * interval '30 minutes'
                           + interval '30 minutes',
                       30, 'checkup', repeat('n', 40)
                FROM generate_series(%(start)s::bigint, %(start)s::bigint + %(batch)s - 1) n
                """,
                {"start": total_rows, "batch": batch},
            )
            total_rows += batch
        final = conn.execute(
            "SELECT pg_total_relation_size('public.appointments') AS b,"
            " pg_database_size(current_database()) AS db"
        ).fetchone()
        assert final is not None
    return {"rows": total_rows, "table_bytes": final["b"], "database_bytes": final["db"]}


def bench_backup_and_deploy(url: str, size_mb: int, repeats: int) -> dict[str, Any]:
    """Alternate plain and vete runs after a warm-up dump, so neither gets a colder cache."""
    with scratch(url, "vete_bench_big") as target, tempfile.TemporaryDirectory() as tmp:
        vete_deploy(target, vete_source(), backup=False)
        data = load_appointments(target, size_mb)
        pg_dump = backups.client_tool("pg_dump", backups.server_version_num(target))
        dump_path = str(Path(tmp) / "plain.dump")

        def plain_dump() -> None:
            subprocess.run(
                [pg_dump, "-Fc", "-f", dump_path, "-d", target], check=True, capture_output=True
            )

        plain_dump()  # warm-up: reads the table into the page cache once
        plain_times, vete_times = [], []
        for r in range(repeats):
            folder = Path(tmp) / f"migrations{r}"
            folder.mkdir()
            plain_file = Path(tmp) / f"plain{r}.sql"
            plain_file.write_text(SMALL_MIGRATION.replace("bench_note", f"bench_plain_{r}"))
            (folder / "001_bench_note.sql").write_text(
                SMALL_MIGRATION.replace("bench_note", f"bench_vete_{r}")
            )
            plain_times.append(
                timed(plain_dump) + timed(lambda f=plain_file: psql_files(target, [f]))
            )
            vete_times.append(
                timed(
                    lambda f=folder, n=r: vete_deploy(
                        target,
                        Source(f, f"bench{n}"),
                        backup=True,
                        backup_check="list",
                        backup_dir=Path(tmp) / "dumps",
                    )
                )
            )
    vete_s, plain_s = statistics.median(vete_times), statistics.median(plain_times)
    return {
        "name": "backup + deploy of one migration on a database of appointments",
        **data,
        "vete_backup_and_deploy_s": round(vete_s, 3),
        "pg_dump_and_psql_f_s": round(plain_s, 3),
        "ratio": round(vete_s / plain_s, 2),
    }


def run(url: str, quick: bool) -> dict[str, Any]:
    """vete bench's entry point: 64 MB of appointments and one repeat with ``quick``."""
    size_mb, repeats = (64, 1) if quick else (1024, 3)
    rows = [bench_full_set(url, repeats), bench_backup_and_deploy(url, size_mb, repeats)]
    return {
        "name": "deploy_bench",
        "title": "vete db deploy against psql -f and pg_dump of the same files",
        "baseline": "psql -1 -f of each file; pg_dump -Fc plus psql -f",
        "rows": rows,
        # Time ratios (vete over baseline): the price of linting, probing and proving.
        "ratios": {row["name"]: row["ratio"] for row in rows},
        "target": {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    url = resolve_database_url()
    results = [
        bench_full_set(url, args.repeats),
        bench_backup_and_deploy(url, args.size_mb, args.repeats),
    ]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        print(f"## {r['name']}")
        for key, value in r.items():
            if key != "name":
                print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
