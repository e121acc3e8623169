"""What a caller may choose when booking: the length (staff only), how far ahead, how much text."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests.booking.world import Clinic, as_user, book_consult, count_rows, make_clinic, rpc
from tests.clock import days_ahead

ASU = ZoneInfo("America/Asuncion")
_days = iter(range(1, 400))

#: Every bounded text the booking functions store, and its limit in characters.
TEXT_LIMIT = 2000


def fresh_day() -> date:
    """A day of its own for each test, a few weeks ahead (inside the default 2-year horizon)."""
    return days_ahead(ASU, 14 + next(_days))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ASU)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    """A clinic with vete's default settings (its calendar opens 730 days ahead)."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(
            conn, "boundclinic", settings={}, services={"consult": (30, 0), "surgery": (90, 0)}
        )


def book_as(
    conn: psycopg.Connection[Any], clinic: Clinic, user: uuid.UUID | None, **args: Any
) -> dict[str, Any]:
    """book_appointment_atomic as an RPC caller; the owner's pet and the consult by default."""
    named: dict[str, Any] = {
        "p_tenant_id": clinic.tenant_id,
        "p_pet_id": clinic.pet_of(clinic.owner),
        "p_service_id": clinic.services["consult"],
        "p_vet_id": clinic.vet,
    } | args
    role = "service_role" if user is None else "authenticated"
    result: dict[str, Any] = as_user(
        conn, user, lambda: rpc(conn, "book_appointment_atomic", **named), role=role
    )
    return result


def minutes_booked(conn: psycopg.Connection[Any], result: dict[str, Any]) -> int:
    assert result["success"], result
    row = conn.execute(
        "SELECT duration_minutes FROM appointments WHERE id = %s", [result["appointment_id"]]
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(row["duration_minutes"])


# --- the length: the service's for owners, staff may choose 5..720 minutes -----------------


@pytest.mark.parametrize(
    ("service", "minutes"),
    [("consult", 240), ("consult", 300), ("surgery", 1), ("consult", 29)],
    ids=["15-min service for 240", "for 300", "90-min surgery for 1", "one minute short"],
)
def test_owner_choosing_another_duration_is_refused_and_writes_nothing(
    conn: psycopg.Connection[Any], clinic: Clinic, service: str, minutes: int
) -> None:
    before = count_rows(conn)
    result = book_as(
        conn,
        clinic,
        clinic.owner,
        p_service_id=clinic.services[service],
        p_start_time=at(fresh_day(), 9),
        p_duration_minutes=minutes,
    )
    assert result["success"] is False
    assert result["error"] == "DURATION_NOT_ALLOWED"
    assert "personal" in result["message"]
    assert count_rows(conn) == before


def test_owner_naming_the_services_own_duration_books_it(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    result = book_as(
        conn,
        clinic,
        clinic.owner,
        p_service_id=clinic.services["surgery"],
        p_start_time=at(fresh_day(), 9),
        p_duration_minutes=90,
    )
    assert minutes_booked(conn, result) == 90


@pytest.mark.parametrize("who", ["vet", "admin", "service"])
@pytest.mark.parametrize("minutes", [5, 45, 240])
def test_staff_may_choose_a_duration_from_5_minutes_to_12_hours(
    conn: psycopg.Connection[Any], clinic: Clinic, who: str, minutes: int
) -> None:
    user = {"vet": clinic.vet, "admin": clinic.admins[0], "service": None}[who]
    result = book_as(
        conn, clinic, user, p_start_time=at(fresh_day(), 8), p_duration_minutes=minutes
    )
    assert minutes_booked(conn, result) == minutes


@pytest.mark.parametrize("minutes", [1, 4, 721, 100_000, 0, -30])
def test_staff_duration_outside_5_to_720_minutes_is_invalid(
    conn: psycopg.Connection[Any], clinic: Clinic, minutes: int
) -> None:
    before = count_rows(conn)
    result = book_as(
        conn, clinic, clinic.vet, p_start_time=at(fresh_day(), 9), p_duration_minutes=minutes
    )
    assert (result["success"], result["error"]) == (False, "INVALID_DURATION")
    assert "5" in result["message"]
    assert "720" in result["message"]
    assert count_rows(conn) == before


def test_owner_reschedule_keeps_the_booked_duration(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    """reschedule_appointment_atomic takes no duration: moving never changes the length."""
    day = fresh_day()
    booked = book_consult(conn, clinic, at(day, 9))
    moved = as_user(
        conn,
        clinic.owner,
        lambda: rpc(
            conn,
            "reschedule_appointment_atomic",
            p_appointment_id=booked.appointment_id,
            p_new_start_time=at(day, 15),
            p_user_id=clinic.owner,
        ),
    )
    assert moved["success"], moved
    assert datetime.fromisoformat(moved["new_end_time"]) == at(day, 15, 30)


# --- the horizon: no start more than the clinic's horizon (default 730 days) ahead ----------


def beyond_horizon() -> datetime:
    day = days_ahead(ASU, 731)
    return at(day, 9)


@pytest.mark.parametrize(
    "start",
    [
        "beyond",
        "9999-12-31T23:59:00-12:00",
        "9999-12-31T10:00:00Z",
        "infinity",
    ],
)
@pytest.mark.parametrize("who", ["owner", "vet", "service"])
def test_a_start_beyond_the_booking_horizon_is_refused(
    conn: psycopg.Connection[Any], clinic: Clinic, start: str, who: str
) -> None:
    user = {"owner": clinic.owner, "vet": clinic.vet, "service": None}[who]
    when: Any = beyond_horizon() if start == "beyond" else start
    before = count_rows(conn)
    result = book_as(conn, clinic, user, p_start_time=when)
    assert (result["success"], result["error"]) == (False, "START_TOO_FAR_AHEAD"), result
    assert "730" in result["message"]
    assert count_rows(conn) == before


def test_a_pinned_clock_does_not_move_the_horizon(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    """The platform may pin vete.clock (tests of past dates); the horizon counts from now()."""
    with conn.transaction():
        conn.execute("SELECT set_config('vete.clock', '9999-01-01 00:00Z', true)")
        result = rpc(
            conn,
            "book_appointment_atomic",
            p_tenant_id=clinic.tenant_id,
            p_pet_id=clinic.pet_of(clinic.owner),
            p_service_id=clinic.services["consult"],
            p_vet_id=clinic.vet,
            p_start_time="9999-12-31T23:59:00-12:00",
        )
    assert result["error"] == "START_TOO_FAR_AHEAD"


def test_a_start_inside_the_horizon_books(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    day = days_ahead(ASU, 725)
    assert book_as(conn, clinic, clinic.owner, p_start_time=at(day, 10))["success"]


def test_reschedule_beyond_the_horizon_is_refused_and_changes_nothing(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    booked = book_consult(conn, clinic, at(fresh_day(), 11))
    for start in (beyond_horizon(), "9999-12-31T23:59:00-12:00"):
        result = as_user(
            conn,
            clinic.owner,
            lambda start=start: rpc(
                conn,
                "reschedule_appointment_atomic",
                p_appointment_id=booked.appointment_id,
                p_new_start_time=start,
                p_user_id=clinic.owner,
            ),
        )
        assert (result["success"], result["error"]) == (False, "START_TOO_FAR_AHEAD"), result
    row = conn.execute(
        "SELECT start_time FROM appointments WHERE id = %s", [booked.appointment_id]
    ).fetchone()
    conn.commit()
    assert row == {"start_time": booked.start_time}


def test_a_clinic_may_open_its_calendar_further_ahead(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    conn.execute(
        "UPDATE tenants SET settings = settings || '{\"booking_horizon_days\": 1000}'"
        " WHERE id = %s",
        [clinic.tenant_id],
    )
    conn.commit()
    try:
        assert book_as(conn, clinic, clinic.owner, p_start_time=beyond_horizon())["success"]
    finally:
        conn.execute(
            "UPDATE tenants SET settings = settings - 'booking_horizon_days' WHERE id = %s",
            [clinic.tenant_id],
        )
        conn.commit()


def test_availability_offers_no_slot_beyond_the_horizon(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    def slots(day: date | str) -> list[Any]:
        return as_user(
            conn,
            clinic.owner,
            lambda: conn.execute(
                "SELECT * FROM get_available_slots(p_tenant_id => %s, p_date => %s::date,"
                " p_service_id => %s)",
                [clinic.tenant_id, day, clinic.services["consult"]],
            ).fetchall(),
        )

    inside = days_ahead(ASU, 700)
    assert slots(inside)
    assert slots(beyond_horizon().date()) == []
    assert slots("9999-12-31") == []


# --- text: every text the booking functions store is at most 2000 characters ---------------


@pytest.mark.parametrize(
    ("argument", "size"),
    [("p_notes", TEXT_LIMIT + 1), ("p_reason", TEXT_LIMIT + 1), ("p_notes", 20_000_000)],
    ids=["notes", "reason", "20 MB of notes"],
)
def test_booking_text_over_the_limit_is_refused_and_writes_nothing(
    conn: psycopg.Connection[Any], clinic: Clinic, argument: str, size: int
) -> None:
    before = count_rows(conn)
    result = book_as(
        conn, clinic, clinic.owner, p_start_time=at(fresh_day(), 9), **{argument: "N" * size}
    )
    assert (result["success"], result["error"]) == (False, "TEXT_TOO_LONG"), result["error"]
    assert argument in result["message"]
    assert str(TEXT_LIMIT) in result["message"]
    assert count_rows(conn) == before


def test_booking_text_at_the_limit_is_stored(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    text = "ñ" * TEXT_LIMIT  # characters, not bytes
    result = book_as(
        conn, clinic, clinic.owner, p_start_time=at(fresh_day(), 9), p_notes=text, p_reason=text
    )
    assert result["success"], result


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("cancel_appointment", {}),
        ("set_appointment_status", {"p_status": "cancelled"}),
        ("set_appointment_status", {"p_status": "confirmed"}),
    ],
)
def test_status_change_reason_over_the_limit_is_refused_and_changes_nothing(
    conn: psycopg.Connection[Any], clinic: Clinic, function: str, args: dict[str, Any]
) -> None:
    booked = book_consult(conn, clinic, at(fresh_day(), 10))
    before = count_rows(conn)
    result = as_user(
        conn,
        clinic.vet,
        lambda: rpc(
            conn,
            function,
            p_appointment_id=booked.appointment_id,
            p_reason="R" * (TEXT_LIMIT + 1),
            **args,
        ),
    )
    assert (result["success"], result["error"]) == (False, "TEXT_TOO_LONG"), result
    assert "p_reason" in result["message"]
    status = conn.execute(
        "SELECT status FROM appointments WHERE id = %s", [booked.appointment_id]
    ).fetchone()
    conn.commit()
    assert status == {"status": "scheduled"}
    assert count_rows(conn) == before


@pytest.mark.parametrize("column", ["notes", "reason", "cancellation_reason"])
def test_the_table_refuses_over_long_text_written_directly(
    conn: psycopg.Connection[Any], clinic: Clinic, column: str
) -> None:
    booked = book_consult(conn, clinic, at(fresh_day(), 16))
    with pytest.raises(psycopg.errors.CheckViolation, match="appointments_text_bounded"):
        conn.execute(
            sql.SQL("UPDATE appointments SET {} = repeat('x', %s) WHERE id = %s").format(
                sql.Identifier(column)
            ),
            [TEXT_LIMIT + 1, booked.appointment_id],
        )
    conn.rollback()


def test_an_event_reason_over_the_limit_is_refused_by_the_table(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    booked = book_consult(conn, clinic, at(fresh_day(), 17))
    with pytest.raises(psycopg.errors.CheckViolation, match="appointment_events_reason_bounded"):
        conn.execute(
            "INSERT INTO appointment_events (tenant_id, appointment_id, kind, actor_role, reason)"
            " VALUES (%s, %s, 'status_changed', 'service_role', repeat('x', %s))",
            [clinic.tenant_id, booked.appointment_id, TEXT_LIMIT + 1],
        )
    conn.rollback()


def test_bounds_hold_in_utc_for_any_session_time_zone(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    """The horizon compares instants: a session in UTC+14 gets the same answer."""
    conn.execute("SET TimeZone = 'Pacific/Kiritimati'")
    conn.commit()
    try:
        result = book_as(
            conn, clinic, clinic.owner, p_start_time=datetime(9999, 12, 31, tzinfo=UTC)
        )
        assert result["error"] == "START_TOO_FAR_AHEAD"
    finally:
        conn.execute("RESET TimeZone")
        conn.commit()
