"""Reschedule, cancel and the status lifecycle: contract, identity checks, isolation, history."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.world import Clinic, as_user, book_consult, make_clinic, rpc
from tests.clock import MONDAY, weekday_ahead
from vete import booking, errors

ASU = ZoneInfo("America/Asuncion")
FIRST_DAY = weekday_ahead(ASU, MONDAY, weeks=5)
_days = iter(range(1000))


def fresh_day() -> date:
    """Each test books on a day of its own, so tests never share a slot."""
    return FIRST_DAY + timedelta(days=next(_days))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ASU)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(conn, "lifeclinic")


@pytest.fixture(scope="module")
def other(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(conn, "lifeother")


def book_for(
    conn: psycopg.Connection[Any], clinic: Clinic, start: datetime, owner: uuid.UUID | None = None
) -> uuid.UUID:
    return book_consult(conn, clinic, start, owner).appointment_id


def snapshot(conn: psycopg.Connection[Any], appointment: uuid.UUID) -> dict[str, Any]:
    row = conn.execute(
        "SELECT a.*, (SELECT count(*) FROM appointment_events e"
        " WHERE e.tenant_id = a.tenant_id AND e.appointment_id = a.id)"
        " AS events FROM appointments a WHERE a.id = %s",
        [appointment],
    ).fetchone()
    conn.commit()
    assert row is not None
    return dict(row)


def call(conn: psycopg.Connection[Any], user: uuid.UUID, function: str, **args: Any) -> Any:
    return as_user(conn, user, lambda: rpc(conn, function, **args))


def test_reschedule_moves_in_place_and_keeps_old_times(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = fresh_day()
    appointment = book_for(conn, clinic, at(day, 9))
    result = call(
        conn,
        clinic.owner,
        "reschedule_appointment_atomic",
        p_appointment_id=appointment,
        p_new_start_time=at(day, 9, 15),  # overlaps its own old range: excluded from the check
        p_user_id=clinic.owner,
    )
    assert set(result) == {
        "success",
        "appointment_id",
        "old_start_time",
        "new_start_time",
        "new_end_time",
        "status",
    }
    assert result["appointment_id"] == str(appointment)
    assert datetime.fromisoformat(result["old_start_time"]) == at(day, 9)
    assert datetime.fromisoformat(result["new_end_time"]) == at(day, 9, 45)
    assert result["status"] == "scheduled"
    event = conn.execute(
        "SELECT actor_id, old_start_time, old_end_time, new_start_time FROM appointment_events"
        " WHERE appointment_id = %s AND kind = 'rescheduled'",
        [appointment],
    ).fetchone()
    conn.commit()
    assert event == {
        "actor_id": clinic.owner,
        "old_start_time": at(day, 9),
        "old_end_time": at(day, 9, 30),
        "new_start_time": at(day, 9, 15),
    }


def test_rescheduling_a_confirmed_appointment_needs_confirming_again(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = fresh_day()
    appointment = book_for(conn, clinic, at(day, 9))
    as_user(
        conn,
        clinic.vet,
        lambda: booking.set_status(conn, appointment_id=appointment, status="confirmed"),
    )
    moved = as_user(
        conn,
        clinic.vet,
        lambda: booking.reschedule(
            conn, appointment_id=appointment, new_start=at(day, 10), is_staff=True
        ),
    )
    assert moved.status == "scheduled"
    assert snapshot(conn, appointment)["confirmed_at"] is None


def test_reschedule_refusals_change_nothing(
    conn: psycopg.Connection[Any], clinic: Clinic, other: Clinic
) -> None:
    day = fresh_day()
    appointment = book_for(conn, clinic, at(day, 9))
    book_for(conn, clinic, at(day, 11), owner=clinic.owners[1])
    cases = [
        (clinic.owner, {"p_new_start_time": at(day, 11, 15)}, "SLOT_UNAVAILABLE"),
        (clinic.owner, {"p_new_start_time": at(day, 13, 15)}, "DURING_BREAK"),
        (clinic.owner, {"p_new_start_time": at(day, 21)}, "OUTSIDE_WORKING_HOURS"),
        (clinic.owner, {"p_new_start_time": at(date(2021, 1, 4), 9)}, "INVALID_TIME"),
        (clinic.owner, {"p_appointment_id": uuid.uuid4()}, "NOT_FOUND"),
        # The original trusted these two arguments; here they must match the session.
        (clinic.owner, {"p_user_id": clinic.owners[1]}, "UNAUTHORIZED"),
        (clinic.owner, {"p_is_staff": True}, "UNAUTHORIZED"),
        # Another owner of the same clinic, honest about who they are.
        (clinic.owners[1], {"p_user_id": clinic.owners[1]}, "UNAUTHORIZED"),
        # Staff of another clinic do not even see it.
        (other.vet, {"p_user_id": other.vet, "p_is_staff": True}, "NOT_FOUND"),
        (other.owner, {"p_user_id": other.owner}, "NOT_FOUND"),
    ]
    before = snapshot(conn, appointment)
    for user, change, code in cases:
        args = {
            "p_appointment_id": appointment,
            "p_new_start_time": at(day, 15),
            "p_user_id": user,
        } | change
        result = call(conn, user, "reschedule_appointment_atomic", **args)
        assert result.get("error") == code, (change, result)
        assert snapshot(conn, appointment) == before


def test_only_scheduled_or_confirmed_appointments_move(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = fresh_day()
    appointment = book_for(conn, clinic, at(day, 9))
    for status in ("checked_in", "in_progress"):
        as_user(
            conn,
            clinic.vet,
            lambda s=status: booking.set_status(conn, appointment_id=appointment, status=s),
        )
    with pytest.raises(errors.Conflict) as refused:
        as_user(
            conn,
            clinic.vet,
            lambda: booking.reschedule(conn, appointment_id=appointment, new_start=at(day, 15)),
        )
    assert refused.value.code == "INVALID_STATUS"


def test_cancel_frees_the_slot_at_once_and_records_who_and_why(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = fresh_day()
    appointment = book_for(conn, clinic, at(day, 9))
    with pytest.raises(errors.InvalidInput) as no_reason:
        as_user(
            conn, clinic.owner, lambda: booking.cancel(conn, appointment_id=appointment, reason=" ")
        )
    assert no_reason.value.code == "REASON_REQUIRED"
    change = as_user(
        conn,
        clinic.owner,
        lambda: booking.cancel(conn, appointment_id=appointment, reason="se enfermó el dueño"),
    )
    assert (change.old_status, change.status) == ("scheduled", "cancelled")
    row = snapshot(conn, appointment)
    assert row["cancelled_by"] == clinic.owner
    assert row["cancellation_reason"] == "se enfermó el dueño"
    assert row["cancelled_at"] is not None
    # Someone else takes the same slot straight away.
    assert book_for(conn, clinic, at(day, 9), owner=clinic.owners[1]) != appointment


def test_full_lifecycle_stamps_each_step(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    appointment = book_for(conn, clinic, at(fresh_day(), 9))
    for status in ("confirmed", "checked_in", "in_progress", "completed"):
        as_user(
            conn,
            clinic.admins[0],
            lambda s=status: booking.set_status(conn, appointment_id=appointment, status=s),
        )
    row = snapshot(conn, appointment)
    assert row["status"] == "completed"
    stamps = ["confirmed_at", "checked_in_at", "started_at", "completed_at"]
    assert all(row[c] is not None for c in stamps)
    history = conn.execute(
        "SELECT from_status, to_status, actor_id FROM appointment_events"
        " WHERE appointment_id = %s AND kind = 'status_changed' ORDER BY id",
        [appointment],
    ).fetchall()
    conn.commit()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("scheduled", "confirmed"),
        ("confirmed", "checked_in"),
        ("checked_in", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert {h["actor_id"] for h in history} == {clinic.admins[0]}


@pytest.mark.parametrize(
    ("path", "who", "code"),
    [
        (["completed"], "vet", "INVALID_TRANSITION"),
        (["in_progress"], "vet", "INVALID_TRANSITION"),
        (["no_show", "confirmed"], "vet", "INVALID_TRANSITION"),
        (["confirmed"], "owner", "UNAUTHORIZED"),
        (["paused"], "vet", "UNKNOWN_STATUS"),
        (["confirmed"], "other_vet", "NOT_FOUND"),
        (["cancelled"], "other_owner", "UNAUTHORIZED"),
    ],
)
def test_invalid_steps_give_their_code_and_change_nothing(
    conn: psycopg.Connection[Any],
    clinic: Clinic,
    other: Clinic,
    path: list[str],
    who: str,
    code: str,
) -> None:
    users = {
        "vet": clinic.vet,
        "owner": clinic.owner,
        "other_vet": other.vet,
        "other_owner": clinic.owners[1],
    }
    appointment = book_for(conn, clinic, at(fresh_day(), 9))
    *allowed, last = path
    for status in allowed:
        result = call(
            conn,
            clinic.vet,
            "set_appointment_status",
            p_appointment_id=appointment,
            p_status=status,
        )
        assert result["success"], result
    before = snapshot(conn, appointment)
    result = call(
        conn,
        users[who],
        "set_appointment_status",
        p_appointment_id=appointment,
        p_status=last,
        p_reason="x",
    )
    assert result["error"] == code
    assert snapshot(conn, appointment) == before


def test_event_log_is_append_only(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    book_for(conn, clinic, at(fresh_day(), 9))
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        conn.execute("UPDATE appointment_events SET reason = 'rewritten'")
    conn.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        conn.execute("DELETE FROM appointment_events")
    conn.rollback()


def test_row_level_security_owner_sees_own_staff_sees_clinic(
    conn: psycopg.Connection[Any], clinic: Clinic, other: Clinic
) -> None:
    day = fresh_day()
    mine = book_for(conn, clinic, at(day, 9))
    theirs = book_for(conn, clinic, at(day, 10), owner=clinic.owners[1])

    def visible(user: uuid.UUID) -> set[uuid.UUID]:
        rows = as_user(
            conn,
            user,
            lambda: conn.execute(
                "SELECT id FROM appointments WHERE id = ANY(%s)", [[mine, theirs]]
            ).fetchall(),
        )
        return {r["id"] for r in rows}

    assert visible(clinic.owner) == {mine}
    assert visible(clinic.owners[1]) == {theirs}
    assert visible(clinic.vet) == {mine, theirs}
    assert visible(other.vet) == set()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_user(conn, clinic.vet, lambda: conn.execute("DELETE FROM appointments"))
