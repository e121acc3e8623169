"""book_appointment_atomic: the original's contract, the calendar rules, bad input, idempotency."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.booking.world import Clinic, as_user, count_rows, make_clinic, rpc
from tests.clock import MONDAY, weekday_ahead
from vete import booking, errors
from vete.errors import Forbidden, InvalidInput, NotFound, SlotUnavailable

ASU = ZoneInfo("America/Asuncion")
DAY = weekday_ahead(ASU, MONDAY)  # comfortably in the future


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ASU)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=psycopg.rows.dict_row) as conn:
        return make_clinic(conn, "bookclinic")


@pytest.fixture(scope="module")
def other(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=psycopg.rows.dict_row) as conn:
        return make_clinic(conn, "otherclinic")


def book_rpc(conn: psycopg.Connection[Any], user: uuid.UUID, **args: Any) -> dict[str, Any]:
    return as_user(conn, user, lambda: rpc(conn, "book_appointment_atomic", **args))


def test_owner_books_over_rpc_and_gets_the_original_keys(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    start = at(9)
    result = book_rpc(
        conn,
        clinic.owner,
        p_tenant_id=clinic.tenant_id,
        p_pet_id=clinic.pet_of(clinic.owner),
        p_service_id=clinic.services["consult"],
        p_vet_id=clinic.vet,
        p_start_time=start,
    )
    assert set(result) == {"success", "appointment_id", "start_time", "end_time", "status"}
    assert result["success"] is True
    assert result["status"] == "scheduled"
    assert datetime.fromisoformat(result["start_time"]) == start
    assert datetime.fromisoformat(result["end_time"]) == start + timedelta(minutes=30)
    row = conn.execute(
        "SELECT created_by, duration_minutes, buffer_minutes FROM appointments WHERE id = %s",
        [result["appointment_id"]],
    ).fetchone()
    assert row == {"created_by": clinic.owner, "duration_minutes": 30, "buffer_minutes": 0}
    event = conn.execute(
        "SELECT kind, actor_id, actor_role FROM appointment_events WHERE appointment_id = %s",
        [result["appointment_id"]],
    ).fetchone()
    assert event == {"kind": "booked", "actor_id": clinic.owner, "actor_role": "owner"}
    conn.commit()


def test_duration_and_buffer_come_from_the_service(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    result = as_user(
        conn,
        clinic.vet,
        lambda: booking.book(
            conn,
            tenant_id=clinic.tenant_id,
            pet_id=clinic.pet_of(clinic.owner),
            service_id=clinic.services["surgery"],
            vet_id=clinic.vet,
            start=at(10),
        ),
    )
    assert result.end_time - result.start_time == timedelta(minutes=60)
    # 11:00-11:15 is the surgery's buffer: a consult there is refused, at 11:15 it fits.
    with pytest.raises(SlotUnavailable):
        as_user(conn, clinic.vet, lambda: _consult(conn, clinic, at(11)))
    assert as_user(conn, clinic.vet, lambda: _consult(conn, clinic, at(11, 15))).status == (
        "scheduled"
    )


def _consult(
    conn: psycopg.Connection[Any], clinic: Clinic, start: datetime, **extra: Any
) -> booking.Booking:
    return booking.book(
        conn,
        tenant_id=clinic.tenant_id,
        pet_id=clinic.pet_of(clinic.owner),
        service_id=clinic.services["consult"],
        vet_id=clinic.vet,
        start=start,
        **extra,
    )


def test_staff_given_duration_wins(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    result = as_user(conn, clinic.vet, lambda: _consult(conn, clinic, at(15), duration_minutes=45))
    assert result.end_time == at(15, 45)


def test_naive_start_is_the_clinics_wall_clock(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    result = as_user(
        conn, clinic.owner, lambda: _consult(conn, clinic, datetime.combine(DAY, time(16)))
    )
    assert result.start_time == at(16)


BAD_INPUT = [
    ("unknown pet", {"p_pet_id": uuid.uuid4()}, "PET_NOT_FOUND"),
    ("unknown vet", {"p_vet_id": uuid.uuid4()}, "VET_NOT_FOUND"),
    ("an owner as vet", {"p_vet_id": "OWNER"}, "VET_NOT_FOUND"),
    ("unknown service", {"p_service_id": uuid.uuid4()}, "SERVICE_NOT_FOUND"),
    ("start in the past", {"p_start_time": datetime(2020, 1, 6, 9, tzinfo=ASU)}, "INVALID_TIME"),
    ("no start", {"p_start_time": None}, "INVALID_TIME"),
    ("before opening", {"p_start_time": at(7, 45)}, "OUTSIDE_WORKING_HOURS"),
    ("running past closing", {"p_start_time": at(19, 45)}, "OUTSIDE_WORKING_HOURS"),
    ("in the lunch break", {"p_start_time": at(12, 45)}, "DURING_BREAK"),
    # An owner's appointment lasts the service's 30 minutes; staff bounds: test_booking_bounds.
    ("an owner's own duration", {"p_duration_minutes": 45}, "DURATION_NOT_ALLOWED"),
    ("zero duration", {"p_duration_minutes": 0}, "DURATION_NOT_ALLOWED"),
    ("negative duration", {"p_duration_minutes": -30}, "DURATION_NOT_ALLOWED"),
    ("absurd duration", {"p_duration_minutes": 100_000}, "DURATION_NOT_ALLOWED"),
    ("year 10000 in UTC", {"p_start_time": "9999-12-31T23:59:00-12:00"}, "START_TOO_FAR_AHEAD"),
    ("20 MB of notes", {"p_notes": "N" * 20_000_000}, "TEXT_TOO_LONG"),
    ("booking for someone else", {"p_booked_by": uuid.uuid4()}, "UNAUTHORIZED"),
    ("another owner's pet", {"p_pet_id": "OTHER_OWNERS_PET"}, "PET_NOT_FOUND"),
    ("another clinic's pet", {"p_pet_id": "OTHER_CLINIC_PET"}, "PET_NOT_FOUND"),
    ("another clinic's vet", {"p_vet_id": "OTHER_CLINIC_VET"}, "VET_NOT_FOUND"),
    ("another clinic's service", {"p_service_id": "OTHER_CLINIC_SERVICE"}, "SERVICE_NOT_FOUND"),
    ("another clinic as tenant", {"p_tenant_id": "otherclinic"}, "UNAUTHORIZED"),
    ("an unknown clinic", {"p_tenant_id": "nosuchclinic"}, "UNAUTHORIZED"),
]


@pytest.mark.parametrize(("case", "change", "code"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_returns_its_code_and_writes_nothing(
    conn: psycopg.Connection[Any],
    clinic: Clinic,
    other: Clinic,
    case: str,
    change: dict[str, Any],
    code: str,
) -> None:
    placeholders = {
        "OWNER": clinic.owner,
        "OTHER_OWNERS_PET": clinic.pet_of(clinic.owners[1]),
        "OTHER_CLINIC_PET": other.pet_of(other.owner),
        "OTHER_CLINIC_VET": other.vet,
        "OTHER_CLINIC_SERVICE": other.services["consult"],
    }
    args: dict[str, Any] = {
        "p_tenant_id": clinic.tenant_id,
        "p_pet_id": clinic.pet_of(clinic.owner),
        "p_service_id": clinic.services["consult"],
        "p_vet_id": clinic.vet,
        "p_start_time": at(17, 30, DAY + timedelta(days=1)),
    }
    args |= {k: placeholders.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = count_rows(conn)
    result = book_rpc(conn, clinic.owner, **args)
    assert result["success"] is False
    assert result["error"] == code, case
    assert set(result) == {"success", "error", "message"}
    assert count_rows(conn) == before


def test_time_off_refuses_booking(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    day = DAY + timedelta(days=2)
    conn.execute(
        "INSERT INTO vet_time_off (tenant_id, vet_id, period, reason)"
        " VALUES (%s, %s, %s, 'course')",
        [clinic.tenant_id, clinic.vet, psycopg.types.range.Range(at(9, 0, day), at(11, 0, day))],
    )
    conn.commit()
    with pytest.raises(InvalidInput) as refused:
        as_user(conn, clinic.owner, lambda: _consult(conn, clinic, at(10, 45, day)))
    assert refused.value.code == "VET_TIME_OFF"


def test_python_errors_carry_the_sql_code(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    with pytest.raises(NotFound) as missing:
        as_user(
            conn,
            clinic.owner,
            lambda: booking.book(
                conn,
                tenant_id=clinic.tenant_id,
                pet_id=uuid.uuid4(),
                service_id=clinic.services["consult"],
                vet_id=clinic.vet,
                start=at(18, 0, DAY + timedelta(days=3)),
            ),
        )
    assert missing.value.code == "PET_NOT_FOUND"
    with pytest.raises(Forbidden):
        as_user(
            conn,
            clinic.owner,
            lambda: _consult(
                conn, clinic, at(18, 0, DAY + timedelta(days=3)), booked_by=clinic.vet
            ),
        )


def test_retried_idempotency_key_returns_the_first_booking(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = DAY + timedelta(days=4)
    first = as_user(
        conn, clinic.owner, lambda: _consult(conn, clinic, at(9, 0, day), idempotency_key="k-1")
    )
    again = as_user(
        conn, clinic.owner, lambda: _consult(conn, clinic, at(9, 0, day), idempotency_key="k-1")
    )
    assert again == first
    # The same key for a different request is a conflict, not a silent replay.
    with pytest.raises(errors.Conflict) as clash:
        as_user(
            conn,
            clinic.owner,
            lambda: _consult(conn, clinic, at(10, 0, day), idempotency_key="k-1"),
        )
    assert clash.value.code == "IDEMPOTENCY_CONFLICT"
    n = conn.execute(
        "SELECT count(*) AS n FROM appointments WHERE start_time::date = %s", [day]
    ).fetchone()
    assert n == {"n": 1}
    conn.commit()


def test_service_role_books_for_any_clinic_and_records_booked_by(
    conn: psycopg.Connection[Any], other: Clinic
) -> None:
    on_behalf = other.owner
    result = as_user(
        conn,
        None,
        lambda: rpc(
            conn,
            "book_appointment_atomic",
            p_tenant_id=other.tenant_id,
            p_pet_id=other.pet_of(other.owner),
            p_service_id=other.services["consult"],
            p_vet_id=other.vet,
            p_start_time=at(9, 30),
            p_booked_by=on_behalf,
        ),
        role="service_role",
    )
    assert result["success"] is True
    row = conn.execute(
        "SELECT created_by FROM appointments WHERE id = %s", [result["appointment_id"]]
    ).fetchone()
    assert row == {"created_by": on_behalf}
    conn.commit()


def test_anon_cannot_book(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_user(
            conn,
            None,
            lambda: rpc(
                conn,
                "book_appointment_atomic",
                p_tenant_id=clinic.tenant_id,
                p_pet_id=clinic.pet_of(clinic.owner),
                p_service_id=clinic.services["consult"],
                p_vet_id=clinic.vet,
                p_start_time=at(9, 30),
            ),
            role="anon",
        )
