"""Booking idempotency keys belong to their caller: one member's key tells another nothing."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.world import Clinic, as_user, make_clinic, rpc
from tests.clock import days_ahead
from vete.session import act_as

ASU = ZoneInfo("America/Asuncion")
_days = iter(range(1, 400))


def fresh_day() -> date:
    return days_ahead(ASU, 20 + next(_days))


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ASU)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(conn, "keyclinic")


def args_for(clinic: Clinic, owner: uuid.UUID, start: datetime, key: str) -> dict[str, Any]:
    return {
        "p_tenant_id": clinic.tenant_id,
        "p_pet_id": clinic.pet_of(owner),
        "p_service_id": clinic.services["consult"],
        "p_vet_id": clinic.vet,
        "p_start_time": start,
        "p_idempotency_key": key,
    }


def book(conn: psycopg.Connection[Any], user: uuid.UUID, args: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = as_user(
        conn, user, lambda: rpc(conn, "book_appointment_atomic", **args)
    )
    return result


def book_and_roll_back(
    conn: psycopg.Connection[Any], user: uuid.UUID, args: dict[str, Any]
) -> dict[str, Any]:
    """The answer a request would get, leaving nothing behind."""
    with conn.transaction(force_rollback=True):
        act_as(conn, user_id=user, role="authenticated")
        result: dict[str, Any] = rpc(conn, "book_appointment_atomic", **args)
    return result


def active_on(conn: psycopg.Connection[Any], clinic: Clinic, day: date) -> int:
    row = conn.execute(
        "SELECT count(*) AS n FROM appointments WHERE tenant_id = %s"
        " AND (start_time AT TIME ZONE %s)::date = %s AND status <> 'cancelled'",
        [clinic.tenant_id, clinic.timezone, day],
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(row["n"])


def test_the_same_key_books_for_two_owners_each_their_own(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    maria, jorge = clinic.owners
    day = fresh_day()
    key = "same-key"
    # Jorge uses the key first: it must not block María's request with it.
    jorges = book(conn, jorge, args_for(clinic, jorge, at(day, 9), key))
    marias = book(conn, maria, args_for(clinic, maria, at(day, 10), key))
    assert jorges["success"], jorges
    assert marias["success"], marias
    assert jorges["appointment_id"] != marias["appointment_id"]
    # Each retry returns the caller's own first answer and books nothing more.
    assert book(conn, maria, args_for(clinic, maria, at(day, 10), key)) == marias
    assert book(conn, jorge, args_for(clinic, jorge, at(day, 9), key)) == jorges
    assert active_on(conn, clinic, day) == 2


def test_a_key_used_by_maria_changes_none_of_jorges_answers(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    maria, jorge = clinic.owners
    day = fresh_day()
    used = "maria-private-key"
    marias_request = args_for(clinic, maria, at(day, 9), used)
    assert book(conn, maria, marias_request)["success"]
    probes = {
        "María's exact request": marias_request,
        "his pet in her slot": args_for(clinic, jorge, at(day, 9), used),
        "his pet in a free slot": args_for(clinic, jorge, at(day, 11), used),
    }
    for name, probe in probes.items():
        with_her_key = book_and_roll_back(conn, jorge, probe)
        with_a_fresh_key = book_and_roll_back(
            conn, jorge, probe | {"p_idempotency_key": uuid.uuid4().hex}
        )
        assert with_her_key.keys() == with_a_fresh_key.keys(), name
        assert with_her_key.get("error") == with_a_fresh_key.get("error"), name
        assert with_her_key.get("start_time") == with_a_fresh_key.get("start_time"), name
    assert active_on(conn, clinic, day) == 1


def test_staff_and_the_platform_have_their_own_key_scopes(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = fresh_day()
    key = "shared-by-everyone"
    owner = book(conn, clinic.owner, args_for(clinic, clinic.owner, at(day, 9), key))
    vet = book(conn, clinic.vet, args_for(clinic, clinic.owner, at(day, 10), key))
    platform = as_user(
        conn,
        None,
        lambda: rpc(
            conn, "book_appointment_atomic", **args_for(clinic, clinic.owner, at(day, 11), key)
        ),
        role="service_role",
    )
    assert [r["success"] for r in (owner, vet, platform)] == [True, True, True]
    assert len({r["appointment_id"] for r in (owner, vet, platform)}) == 3
