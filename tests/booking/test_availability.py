"""get_available_slots: working hours, breaks, time off, appointments and buffers, in the
clinic's time zone — including the days Europe/Madrid changes its clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.range import Range

from tests.booking.world import Clinic, as_user, book_consult, make_clinic
from tests.clock import MONDAY, clock_change, today, weekday_ahead
from vete import booking
from vete.errors import InvalidInput

ASU = ZoneInfo("America/Asuncion")
MAD = ZoneInfo("Europe/Madrid")
DAY = weekday_ahead(ASU, MONDAY)
# The clinic's clock changes: the last ones (asked with the clock pinned before them) and
# the next ones (booked for real). Europe/Madrid changes on Sundays, at 02:00 and 03:00.
LAST_SPRING = clock_change(MAD, forward=True, after=today(MAD), backwards=True)
LAST_AUTUMN = clock_change(MAD, forward=False, after=today(MAD), backwards=True)
SPRING = clock_change(MAD, forward=True, after=today(MAD))
AUTUMN = clock_change(MAD, forward=False, after=today(MAD))


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(conn, "slotclinic", vets=2)


@pytest.fixture(scope="module")
def madrid(database_url: str) -> Clinic:
    """A Madrid clinic open Sundays 00:00-06:00 (across the clock change) and 09:00-13:00."""
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        clinic = make_clinic(conn, "madrid", timezone="Europe/Madrid", shift=None, lunch=None)
        for start, end in ((time(0), time(6)), (time(9), time(13))):
            conn.execute(
                "INSERT INTO vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)"
                " VALUES ('madrid', %s, 7, %s, %s)",
                [clinic.vet, start, end],
            )
        conn.execute(
            "INSERT INTO vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)"
            " VALUES ('madrid', %s, 6, '09:00', '13:00')",
            [clinic.vet],
        )
        conn.commit()
        return clinic


def slots(
    conn: psycopg.Connection[Any], clinic: Clinic, day: date, service: str = "consult", **kw: Any
) -> list[booking.Slot]:
    result = booking.available_slots(
        conn, tenant_id=clinic.tenant_id, day=day, service_id=clinic.services[service], **kw
    )
    conn.commit()
    return result


def wall(found: list[booking.Slot], zone: ZoneInfo) -> list[str]:
    """Slot starts as the clinic's wall clock with the UTC offset: '02:00+02'."""
    return [s.start.astimezone(zone).strftime("%H:%M%z")[:-2] for s in found]


def quarter_hours(first: str, last: str, offset: str) -> list[str]:
    start = datetime.strptime(first, "%H:%M")
    stop = datetime.strptime(last, "%H:%M")
    out = []
    while start <= stop:
        out.append(start.strftime("%H:%M") + offset)
        start += timedelta(minutes=15)
    return out


def test_a_plain_day_follows_hours_and_lunch(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    found = slots(conn, clinic, DAY, vet_id=clinic.vet)
    assert wall(found, ASU) == quarter_hours("08:00", "12:30", "-03") + quarter_hours(
        "14:00", "19:30", "-03"
    )
    assert all(s.end - s.start == timedelta(minutes=30) for s in found)
    assert found[0].start == datetime.combine(DAY, time(11), tzinfo=UTC)  # 08:00 in UTC-3


def test_every_vet_when_none_is_named(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    found = slots(conn, clinic, DAY)
    assert {s.vet_id for s in found} == set(clinic.vets)
    assert len(found) == 2 * 42


def test_appointments_and_their_buffers_take_slots(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    day = DAY + timedelta(days=1)
    as_user(
        conn,
        clinic.owner,
        lambda: booking.book(
            conn,
            tenant_id=clinic.tenant_id,
            pet_id=clinic.pet_of(clinic.owner),
            service_id=clinic.services["surgery"],  # 60 minutes + 15 buffer
            vet_id=clinic.vet,
            start=datetime(day.year, day.month, day.day, 10, tzinfo=ASU),
        ),
    )
    consults = wall(slots(conn, clinic, day, vet_id=clinic.vet), ASU)
    assert "09:30-03" in consults
    assert not {"09:45-03", "10:00-03", "11:00-03"} & set(consults)
    assert "11:15-03" in consults
    # A surgery's own buffer must clear the booked one: nothing from 08:45 to 11:15 exclusive.
    surgeries = wall(slots(conn, clinic, day, "surgery", vet_id=clinic.vet), ASU)
    assert surgeries[:4] == ["08:00-03", "08:15-03", "08:30-03", "08:45-03"]
    assert surgeries[4] == "11:15-03"


def test_time_off_takes_slots(conn: psycopg.Connection[Any], clinic: Clinic) -> None:
    day = DAY + timedelta(days=2)
    conn.execute(
        "INSERT INTO vet_time_off (tenant_id, vet_id, period) VALUES (%s, %s, %s)",
        [
            clinic.tenant_id,
            clinic.vets[1],
            Range(
                datetime(day.year, day.month, day.day, 8, tzinfo=ASU),
                datetime(day.year, day.month, day.day, 16, tzinfo=ASU),
            ),
        ],
    )
    conn.commit()
    assert wall(slots(conn, clinic, day, vet_id=clinic.vets[1]), ASU) == quarter_hours(
        "16:00", "19:30", "-03"
    )


def test_the_past_is_not_offered_and_anyone_may_ask(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    assert slots(conn, clinic, date(2021, 3, 1)) == []
    found = as_user(
        conn,
        None,
        lambda: booking.available_slots(
            conn, tenant_id=clinic.tenant_id, day=DAY, service_id=clinic.services["consult"]
        ),
        role="anon",
    )
    assert len(found) == 2 * 42


def test_null_or_foreign_arguments_give_no_slots(
    conn: psycopg.Connection[Any], clinic: Clinic, madrid: Clinic
) -> None:
    rows = conn.execute("SELECT * FROM get_available_slots(NULL, NULL, NULL)").fetchall()
    assert rows == []
    other_service = booking.available_slots(
        conn, tenant_id=clinic.tenant_id, day=DAY, service_id=madrid.services["consult"]
    )
    assert other_service == []
    conn.commit()


def pin_clock(conn: psycopg.Connection[Any], when: str) -> None:
    """Availability hides the past; the platform (service role) may pin the clock for tests."""
    conn.execute("SELECT set_config('vete.clock', %s, false)", [when])


#: Before both past clock changes: their days are in the future on the pinned clock.
PINNED = (min(LAST_SPRING, LAST_AUTUMN) - timedelta(days=30)).isoformat() + " 00:00Z"


@pytest.mark.parametrize(
    ("day", "night"),
    [
        # 02:00 CET jumps to 03:00 CEST — the night shift has five real hours.
        (
            LAST_SPRING,
            quarter_hours("00:00", "01:45", "+01") + quarter_hours("03:00", "05:30", "+02"),
        ),
        # 03:00 CEST falls back to 02:00 CET — 02:00-02:59 happens twice.
        (
            LAST_AUTUMN,
            quarter_hours("00:00", "02:45", "+02") + quarter_hours("02:00", "05:30", "+01"),
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_madrid_clock_change_days_follow_the_wall_clock(
    conn: psycopg.Connection[Any], madrid: Clinic, day: date, night: list[str]
) -> None:
    pin_clock(conn, PINNED)
    try:
        found = slots(conn, madrid, day)
    finally:
        pin_clock(conn, "")
        conn.commit()
    summer = day.month == 3
    morning = quarter_hours("09:00", "12:30", "+02" if summer else "+01")
    assert wall(found, MAD) == night + morning
    assert all(s.end - s.start == timedelta(minutes=30) for s in found)
    # The day before keeps its own offset: no hour leaks across the change.
    before = slots_pinned(conn, madrid, day - timedelta(days=1))
    assert wall(before, MAD) == quarter_hours("09:00", "12:30", "+01" if summer else "+02")


def slots_pinned(conn: psycopg.Connection[Any], clinic: Clinic, day: date) -> list[booking.Slot]:
    pin_clock(conn, PINNED)
    try:
        return slots(conn, clinic, day)
    finally:
        pin_clock(conn, "")
        conn.commit()


def book_local(
    conn: psycopg.Connection[Any], clinic: Clinic, local: datetime, owner_index: int = 0
) -> booking.Booking:
    return book_consult(conn, clinic, local, clinic.owners[owner_index])


def test_a_start_in_the_spring_gap_is_refused_and_writes_nothing(
    conn: psycopg.Connection[Any], madrid: Clinic
) -> None:
    before = conn.execute("SELECT count(*) AS n FROM appointments").fetchone()
    conn.commit()
    with pytest.raises(InvalidInput) as refused:
        book_local(conn, madrid, datetime.combine(SPRING, time(2, 30)))
    assert refused.value.code == "NONEXISTENT_LOCAL_TIME"
    assert conn.execute("SELECT count(*) AS n FROM appointments").fetchone() == before
    conn.commit()
    # 03:00 exists (CEST, 01:00 UTC) and is bookable.
    booked = book_local(conn, madrid, datetime.combine(SPRING, time(3, 0)))
    assert booked.start_time == datetime.combine(SPRING, time(1, 0), tzinfo=UTC)


def test_the_repeated_autumn_hour_is_two_bookable_hours(
    conn: psycopg.Connection[Any], madrid: Clinic
) -> None:
    first = book_local(conn, madrid, datetime.combine(AUTUMN, time(2, 30, fold=0)))
    second = book_local(conn, madrid, datetime.combine(AUTUMN, time(2, 30, fold=1)), owner_index=1)
    assert first.start_time == datetime.combine(AUTUMN, time(0, 30), tzinfo=UTC)  # 02:30 CEST
    assert second.start_time == datetime.combine(AUTUMN, time(1, 30), tzinfo=UTC)  # 02:30 CET
    offered = wall(slots(conn, madrid, AUTUMN), MAD)
    assert "02:30+02" not in offered
    assert "02:30+01" not in offered
    assert "02:15+01" not in offered  # [02:15, 02:45) CET runs into the second booking
    assert "02:00+01" in offered  # between the two: [01:00, 01:30) UTC is free
    assert "03:00+01" in offered
