"""Booking calls/s on a Citus coordinator against a single node, measured in the same run.

    VETE_CITUS_URL="$(scripts/citus-cluster up)" \\
        python bench/citus_booking.py [--single URL] [--clinics 1,4,8] [--seconds 5]

Both sides get a fresh database with vete's schema (the coordinator's distributed with
``vete db distribute``) and the same clinics: one per client, each with one vet, so the
clients spread over the shards and do not contend (the race tests cover contention). Each
client books consecutive 30-minute slots with ``book_appointment_atomic`` as the platform
(one statement, one commit per call). The single node defaults to the machine's
PostgreSQL 15 (--single); the cluster is the one ``scripts/citus-cluster`` starts.

Not a ``vete bench`` benchmark (no ``run``): it needs the cluster. docs/scale-out.md
records its numbers and what they mean.
"""

from __future__ import annotations

import argparse
import os
import statistics
from typing import Any

import psycopg
from booking_common import drop_database, fresh_database, seed_clinic
from booking_throughput import BOOK, run_op

from vete import deploy
from vete.testing.plugin import apply_schema, citus_server, create_database
from vete.testing.plugin import drop_database as drop

SINGLE = "postgresql://postgres@127.0.0.1:5432/postgres"


def seed(url: str, clinics: int) -> list[dict[str, Any]]:
    return [seed_clinic(url, vets=1, tenant=f"benchclinic{n}") for n in range(clinics)]


def rate(url: str, clinics: list[dict[str, Any]], seconds: float, offset: int) -> float:
    """Calls/s with one client per clinic, each booking its own vet's next slot."""
    by_vet = {c["vets"][0]: (f"benchclinic{n}", c) for n, c in enumerate(clinics)}

    def book(conn: psycopg.Connection[Any], vet: Any, start: Any) -> None:
        tenant, ids = by_vet[vet]
        row = conn.execute(BOOK, [tenant, ids["pet"], ids["service"], vet, start]).fetchone()
        conn.commit()
        assert row is not None
        assert row[0]["success"], row

    return run_op(url, book, list(by_vet), seconds, offset)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--single", default=SINGLE, help="admin URL of the single node")
    parser.add_argument("--clinics", default="1,4,8", help="client counts, one clinic each")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cluster_url = os.environ.get("VETE_CITUS_URL", "")
    if not cluster_url:
        raise SystemExit("set VETE_CITUS_URL (scripts/citus-cluster up prints it)")
    levels = [int(c) for c in args.clinics.split(",")]
    name = f"vete_bench_citus_{os.getpid()}"
    single = fresh_database(name, args.single)
    cluster = citus_server(cluster_url)
    coordinator = create_database(cluster, name)
    try:
        apply_schema(coordinator)
        report = deploy.distribute(coordinator)
        workers = len(report.workers)
        sides = {"single node": single, f"coordinator + {workers} workers": coordinator}
        seeded = {label: seed(url, max(levels)) for label, url in sides.items()}
        print(
            f"booking calls/s, median of {args.repeats} x {args.seconds:g} s per cell,"
            " one clinic per client, one commit per call"
        )
        print(f"{'clients':>8} " + " ".join(f"{label:>26}" for label in sides) + "   ratio")
        for n, clients in enumerate(levels):
            samples: dict[str, list[float]] = {label: [] for label in sides}
            for r in range(args.repeats):
                for i, (label, url) in enumerate(sides.items()):
                    offset = 30 * ((n * args.repeats + r) * len(sides) + i)  # days apart
                    samples[label].append(rate(url, seeded[label][:clients], args.seconds, offset))
            rates = [statistics.median(v) for v in samples.values()]
            print(
                f"{clients:>8} "
                + " ".join(f"{r:>26.0f}" for r in rates)
                + f"   {rates[1] / rates[0]:.2f}"
            )
    finally:
        drop_database(single)
        drop(cluster, name)


if __name__ == "__main__":
    main()
