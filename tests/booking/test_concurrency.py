"""32 clients racing for one vet's time: exactly one wins, every loser gets SLOT_UNAVAILABLE.

Each client has its own connection (opened once), acts as its own owner, and calls the SQL
function in a transaction of its own; a barrier releases all of them at once. The outcome
is counted afterwards by an independent query on the table, not from the answers.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.race import race
from tests.booking.world import Clinic, as_user, make_clinic, rpc
from tests.clock import MONDAY, weekday_ahead

CLIENTS = 32
ROUNDS = 50
ASU = ZoneInfo("America/Asuncion")
FIRST_DAY = weekday_ahead(ASU, MONDAY, weeks=6)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(
            conn,
            "raceclinic",
            owners=CLIENTS,
            shift=(datetime.min.time().replace(hour=6), datetime.min.time().replace(hour=22)),
            lunch=None,
            services={"consult": (30, 0), "surgery": (60, 15), "quick": (15, 0)},
        )


@pytest.fixture(scope="module")
def admin(database_url: str) -> psycopg.Connection[Any]:
    with psycopg.connect(database_url, row_factory=dict_row, autocommit=True) as conn:
        yield conn  # type: ignore[misc]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ASU)


def round_day(scenario: int, round_no: int) -> date:
    return FIRST_DAY + timedelta(days=scenario * 100 + round_no)


def book(
    conn: psycopg.Connection[Any], clinic: Clinic, owner: uuid.UUID, service: str, start: datetime
) -> dict[str, Any]:
    return as_user(
        conn,
        owner,
        lambda: rpc(
            conn,
            "book_appointment_atomic",
            p_tenant_id=clinic.tenant_id,
            p_pet_id=clinic.pet_of(owner),
            p_service_id=clinic.services[service],
            p_vet_id=clinic.vet,
            p_start_time=start,
        ),
    )


def reschedule(
    conn: psycopg.Connection[Any], owner: uuid.UUID, appointment: uuid.UUID, start: datetime
) -> dict[str, Any]:
    return as_user(
        conn,
        owner,
        lambda: rpc(
            conn,
            "reschedule_appointment_atomic",
            p_appointment_id=appointment,
            p_new_start_time=start,
            p_user_id=owner,
        ),
    )


def active_in(
    admin: psycopg.Connection[Any], clinic: Clinic, start: datetime, end: datetime
) -> int:
    row = admin.execute(
        "SELECT count(*) AS n FROM appointments WHERE tenant_id = %s AND vet_id = %s"
        " AND status NOT IN ('cancelled', 'no_show') AND deleted_at IS NULL"
        " AND blocked_range && tstzrange(%s, %s)",
        [clinic.tenant_id, clinic.vet, start, end],
    ).fetchone()
    assert row is not None
    return int(row["n"])


def judge(results: list[Any]) -> None:
    """One success; every other answer exactly SLOT_UNAVAILABLE (no exception, no other code)."""
    outcomes = Counter(
        "raised " + type(r).__name__
        if isinstance(r, BaseException)
        else ("success" if r["success"] else r["error"])
        for r in results
    )
    assert outcomes == {"success": 1, "SLOT_UNAVAILABLE": len(results) - 1}, outcomes


def seed(
    admin: psycopg.Connection[Any], clinic: Clinic, owners: list[uuid.UUID], day: date
) -> list[uuid.UUID]:
    """One 15-minute appointment per owner, back to back from 06:00 (setup, not under test)."""
    ids = []
    for n, owner in enumerate(owners):
        start = local(day, 6) + timedelta(minutes=15 * n)
        row = admin.execute(
            "INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
            " end_time, duration_minutes) VALUES (%s, %s, %s, %s, %s, %s, 15) RETURNING id",
            [
                clinic.tenant_id,
                clinic.pet_of(owner),
                clinic.services["quick"],
                clinic.vet,
                start,
                start + timedelta(minutes=15),
            ],
        ).fetchone()
        assert row is not None
        ids.append(row["id"])
    return ids


def test_one_slot_32_bookers_one_winner(
    database_url: str, clinic: Clinic, admin: psycopg.Connection[Any]
) -> None:
    def setup(round_no: int) -> datetime:
        return local(round_day(0, round_no), 10)

    def check(round_no: int, start: datetime, results: list[Any]) -> None:
        judge(results)
        assert active_in(admin, clinic, start, start + timedelta(minutes=30)) == 1

    race(
        database_url,
        clients=CLIENTS,
        rounds=ROUNDS,
        setup=setup,
        action=lambda i, conn, start: book(conn, clinic, clinic.owners[i], "consult", start),
        check=check,
    )


def test_partially_overlapping_ranges_one_winner(
    database_url: str, clinic: Clinic, admin: psycopg.Connection[Any]
) -> None:
    # Client i asks for 10:00 + i minutes with a 60-minute surgery (+15 buffer): every pair
    # of requests overlaps, none is identical.
    def setup(round_no: int) -> datetime:
        return local(round_day(1, round_no), 10)

    def check(round_no: int, start: datetime, results: list[Any]) -> None:
        judge(results)
        assert active_in(admin, clinic, start, start + timedelta(minutes=CLIENTS + 75)) == 1

    race(
        database_url,
        clients=CLIENTS,
        rounds=ROUNDS,
        setup=setup,
        action=lambda i, conn, start: book(
            conn, clinic, clinic.owners[i], "surgery", start + timedelta(minutes=i)
        ),
        check=check,
    )


def test_32_reschedules_into_one_free_slot_one_winner(
    database_url: str, clinic: Clinic, admin: psycopg.Connection[Any]
) -> None:
    def setup(round_no: int) -> tuple[list[uuid.UUID], datetime]:
        day = round_day(2, round_no)
        return seed(admin, clinic, clinic.owners, day), local(day, 20)

    def check(round_no: int, ctx: tuple[list[uuid.UUID], datetime], results: list[Any]) -> None:
        judge(results)
        target = ctx[1]
        assert active_in(admin, clinic, target, target + timedelta(minutes=15)) == 1
        day_start = target.replace(hour=0)
        assert active_in(admin, clinic, day_start, day_start + timedelta(days=1)) == CLIENTS

    race(
        database_url,
        clients=CLIENTS,
        rounds=ROUNDS,
        setup=setup,
        action=lambda i, conn, ctx: reschedule(conn, clinic.owners[i], ctx[0][i], ctx[1]),
        check=check,
    )


def test_reschedules_racing_bookings_one_winner(
    database_url: str, clinic: Clinic, admin: psycopg.Connection[Any]
) -> None:
    half = CLIENTS // 2

    def setup(round_no: int) -> tuple[list[uuid.UUID], datetime]:
        day = round_day(3, round_no)
        return seed(admin, clinic, clinic.owners[:half], day), local(day, 20)

    def action(i: int, conn: psycopg.Connection[Any], ctx: Any) -> dict[str, Any]:
        appointments, target = ctx
        if i < half:
            return reschedule(conn, clinic.owners[i], appointments[i], target)
        return book(conn, clinic, clinic.owners[i], "quick", target)

    def check(round_no: int, ctx: tuple[list[uuid.UUID], datetime], results: list[Any]) -> None:
        judge(results)
        target = ctx[1]
        assert active_in(admin, clinic, target, target + timedelta(minutes=15)) == 1

    race(
        database_url,
        clients=CLIENTS,
        rounds=ROUNDS,
        setup=setup,
        action=action,
        check=check,
    )


def test_no_overlapping_active_appointments_after_all_races(
    admin: psycopg.Connection[Any], clinic: Clinic
) -> None:
    row = admin.execute(
        "SELECT count(*) AS n FROM appointments a JOIN appointments b"
        " ON a.tenant_id = b.tenant_id AND a.vet_id = b.vet_id AND a.id < b.id"
        " AND a.blocked_range && b.blocked_range"
        " WHERE a.status NOT IN ('cancelled', 'no_show')"
        " AND b.status NOT IN ('cancelled', 'no_show')"
    ).fetchone()
    assert row == {"n": 0}
