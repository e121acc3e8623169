"""``vete db distribute`` on the Citus cluster: what it refuses, what it lays out (read back
from Citus's own metadata), that a second run changes nothing, and that the booking
guarantee holds on the distributed tables — 32 clients released by a barrier onto one
slot, one winner, every loser SLOT_UNAVAILABLE, counted shard by shard on the workers.

Runs only against a cluster named by ``VETE_CITUS_URL`` (as tests/citus/test_cluster.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests.booking.race import race
from tests.booking.test_concurrency import book
from tests.booking.world import Clinic, make_clinic
from tests.citus.cluster import CITUS_URL, needs_cluster, vete_database
from tests.clock import MONDAY, weekday_ahead
from vete import deploy
from vete.errors import DistributeRefused
from vete.proof.race import run_race

pytestmark = needs_cluster

CLIENTS = 32
ROUNDS = 5
ASU = ZoneInfo("America/Asuncion")
DAY = weekday_ahead(ASU, MONDAY, weeks=5)
TENANT_TABLES = {
    "public.profiles", "public.pets", "public.services", "public.vet_working_hours",
    "public.vet_time_off", "public.appointments", "public.appointment_events",
    "public.booking_requests", "public.store_products", "public.store_inventory",
    "public.store_carts", "public.store_orders", "public.store_order_items",
}  # fmt: skip


@pytest.fixture(scope="module")
def deployed() -> Iterator[str]:
    """A database on every node of the cluster with vete deployed, not yet distributed."""
    with vete_database("vete_citus") as url:
        yield url


@pytest.fixture(scope="module")
def first_run(deployed: str) -> deploy.DistributeReport:
    return deploy.distribute(deployed)


def test_a_database_without_citus_is_refused() -> None:
    plain = psycopg.conninfo.make_conninfo(CITUS_URL, dbname="postgres")
    with pytest.raises(DistributeRefused, match="not a Citus coordinator"):
        deploy.distribute(plain)


def test_every_tenant_table_is_distributed_by_clinic_colocated_with_tenants(
    deployed: str, first_run: deploy.DistributeReport
) -> None:
    assert first_run.changed
    assert first_run.overlap_constraint.startswith("rebuilt")
    with psycopg.connect(deployed, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT logicalrelid::regclass::text AS name, partmethod, repmodel, colocationid,"
            " column_to_column_name(logicalrelid, partkey) AS col FROM pg_dist_partition"
        ).fetchall()
        placements = conn.execute(
            "SELECT count(DISTINCT nodeport) AS n FROM citus_shards WHERE table_name = "
            "'public.appointments'::regclass"
        ).fetchone()
    by_name = {("public." + r["name"] if "." not in r["name"] else r["name"]): r for r in rows}
    tenants = by_name["public.tenants"]
    assert (tenants["partmethod"], tenants["col"]) == ("h", "id")
    for table in TENANT_TABLES:
        row = by_name[table]
        assert (row["partmethod"], row["col"]) == ("h", "tenant_id"), table
        assert row["colocationid"] == tenants["colocationid"], table
    assert by_name["vete.appointment_status_transitions"]["repmodel"] == "t"
    assert not any(name.startswith(("vete.schema_", "vete.deploy_")) for name in by_name)
    assert placements is not None
    assert placements["n"] == 2


def test_a_second_run_changes_nothing(deployed: str, first_run: deploy.DistributeReport) -> None:
    again = deploy.distribute(deployed)
    assert not again.changed
    assert {t.action for t in again.tables} == {"already", "kept local"}


def test_a_table_the_layout_does_not_place_is_refused(
    deployed: str, first_run: deploy.DistributeReport
) -> None:
    with psycopg.connect(deployed, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.unplaced (tenant_id text)")
        try:
            with pytest.raises(DistributeRefused, match="public.unplaced"):
                deploy.distribute(deployed)
        finally:
            conn.execute("DROP TABLE public.unplaced")


def test_32_clients_one_slot_one_winner_on_the_shards(
    deployed: str, first_run: deploy.DistributeReport
) -> None:
    with psycopg.connect(deployed, row_factory=dict_row) as conn:
        clinic = make_clinic(
            conn,
            "citusclinic",
            owners=CLIENTS,
            shift=(time(6), time(22)),
            lunch=None,
            services={"consult": (30, 0)},
        )

    def book_one(client: int, conn: psycopg.Connection[Any], start: datetime) -> Any:
        return book(conn, clinic, clinic.owners[client], "consult", start)

    def judge(round_no: int, start: datetime, results: list[Any]) -> None:
        outcomes = Counter(
            "raised " + type(r).__name__
            if isinstance(r, BaseException)
            else ("success" if r["success"] else r["error"])
            for r in results
        )
        assert outcomes == {"success": 1, "SLOT_UNAVAILABLE": CLIENTS - 1}, outcomes

    race(
        deployed,
        clients=CLIENTS,
        rounds=ROUNDS,
        setup=lambda n: datetime.combine(DAY, time(8 + n), tzinfo=ASU),
        action=book_one,
        check=judge,
    )
    assert_one_appointment_per_round(deployed, clinic)


def assert_one_appointment_per_round(url: str, clinic: Clinic) -> None:
    """Counted on the workers, shard by shard, not through the coordinator's planner."""
    active = "status NOT IN ('cancelled', 'no_show')"
    overlaps = (
        "SELECT count(*) FROM %s a JOIN %s b ON a.tenant_id = b.tenant_id"
        " AND a.vet_id = b.vet_id AND a.id < b.id AND a.blocked_range && b.blocked_range"
        " WHERE a.status NOT IN ('cancelled', 'no_show')"
        " AND b.status NOT IN ('cancelled', 'no_show')"
    )
    with psycopg.connect(url) as conn:
        query = (
            sql.SQL("SELECT count(*) FROM %s WHERE tenant_id = {} AND vet_id = {} AND ")
            .format(sql.Literal(clinic.tenant_id), sql.Literal(str(clinic.vet)))
            .as_string(conn)
        ) + active
        counts = conn.execute(
            "SELECT sum(result::bigint) FROM run_command_on_shards('public.appointments', %s)"
            " WHERE success",
            [query],
        ).fetchone()
        pairs = conn.execute(
            "SELECT coalesce(sum(result::bigint), 0) FROM run_command_on_colocated_placements("
            "'public.appointments', 'public.appointments', %s) WHERE success",
            [overlaps],
        ).fetchone()
    assert counts is not None
    assert counts[0] == ROUNDS
    assert pairs is not None
    assert pairs[0] == 0


def test_vete_race_booking_scenarios_hold_and_clean_up_on_the_shards(
    deployed: str, first_run: deploy.DistributeReport
) -> None:
    """``vete race``'s booking scenarios against the distributed tables, with the naive
    implementation for contrast; afterwards no row of the race clinic is left on any shard."""
    report = run_race(
        deployed,
        clients=8,
        rounds=3,
        scenarios=["same-slot", "overlapping-ranges", "reschedule-vs-book", "reschedules-one-slot"],
        compare_naive=True,
    )
    by_impl = {(s.name, s.implementation): s for s in report.scenarios}
    for name in ("same-slot", "overlapping-ranges", "reschedule-vs-book", "reschedules-one-slot"):
        mine = by_impl[(name, "vete")]
        assert mine.violations == 0, mine
        assert mine.successes == 3, mine
        assert set(mine.outcomes) == {"success", "SLOT_UNAVAILABLE"}, mine
    assert sum(s.violations for s in report.scenarios if s.implementation == "naive") > 0
    with psycopg.connect(deployed) as conn:
        left = conn.execute(
            "SELECT coalesce(sum(result::bigint), 0) FROM run_command_on_shards("
            "'public.appointment_events',"
            " 'SELECT count(*) FROM %s WHERE tenant_id LIKE ''race-%%''') WHERE success"
        ).fetchone()
    assert left is not None
    assert left[0] == 0


def test_vete_race_store_scenarios_hold_on_the_shards(
    deployed: str, first_run: deploy.DistributeReport
) -> None:
    """``vete race``'s store scenarios on the distributed tables: devices merging a first
    cart and into an existing one lose no line, and last-unit checkouts never oversell
    (each counted by the race's own queries afterwards); the naive merge, beside it, loses
    lines."""
    store = ["cart-merge-new", "cart-merge-existing", "last-units-checkout"]
    report = run_race(deployed, clients=8, rounds=2, scenarios=store, compare_naive=True)
    by_impl = {(s.name, s.implementation): s for s in report.scenarios}
    for name in store:
        mine = by_impl[(name, "vete")]
        assert mine.violations == 0, mine
        assert mine.outcomes.get("success", 0) > 0, mine
    assert sum(s.violations for s in report.scenarios if s.implementation == "naive") > 0
