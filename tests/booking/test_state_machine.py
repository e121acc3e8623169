"""Random book / reschedule / cancel / status steps by several users, checked against an
independent Python model of the calendar after every step.

Invariants: no two active appointments of a vet overlap (buffers included); every active
appointment lies inside its vet's working hours and outside breaks; get_available_slots
offers exactly the grid slots the model finds free (never a taken one, never missing a
free one), and an offered slot really books.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from psycopg.rows import dict_row

from tests import clock
from tests.booking.world import Clinic, as_user, make_clinic
from tests.clock import clock_change, today
from vete import booking
from vete.errors import VeteError

MAD = ZoneInfo("Europe/Madrid")
STEP = timedelta(minutes=15)
# Madrid's next spring-forward day (a Sunday, 02:00 -> 03:00): its night shift spans the
# gap. The Monday after is an ordinary day.
SPRING = clock_change(MAD, forward=True, after=today(MAD))
DAYS = [SPRING, SPRING + timedelta(days=1)]
SCHEDULE: dict[int, dict[str, list[tuple[time, time]]]] = {
    7: {"work": [(time(1), time(4))], "break": [(time(3), time(3, 15))]},
    1: {"work": [(time(9), time(12))], "break": [(time(10, 30), time(11))]},
}
SERVICES = {"consult": (30, 0), "surgery": (45, 15)}
ACTIVE = booking.ACTIVE_STATUSES


def instant(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=MAD).astimezone(UTC)


def windows(day: date, kind: str) -> list[tuple[datetime, datetime]]:
    return [(instant(day, a), instant(day, b)) for a, b in SCHEDULE[day.isoweekday()][kind]]


#: Every 5 minutes from half an hour before each shift to its end, and one start in the past.
START_CHOICES = [
    *sorted(
        {
            lo + timedelta(minutes=5 * k)
            for day in DAYS
            for lo, hi in windows(day, "work")
            for k in range(-6, int((hi - lo) / timedelta(minutes=5)) + 1)
        }
    ),
    datetime(2021, 1, 4, 9, tzinfo=UTC),
]


@dataclass(frozen=True)
class Appt:
    id: uuid.UUID
    vet: uuid.UUID
    start: datetime
    end: datetime
    buffer: int
    status: str
    owner: uuid.UUID


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def verdict(
    appts: list[Appt], vet: uuid.UUID, start: datetime, minutes: int, buffer: int, skip: Any = None
) -> str | None:
    """What the booking rules say about [start, start+minutes) — the model, not the SQL."""
    end = start + timedelta(minutes=minutes)
    if start <= clock.now():
        return "INVALID_TIME"
    day = start.astimezone(MAD).date()
    if day not in DAYS or not any(lo <= start and end <= hi for lo, hi in windows(day, "work")):
        return "OUTSIDE_WORKING_HOURS"
    if any(overlaps((start, end), w) for w in windows(day, "break")):
        return "DURING_BREAK"
    blocked = (start, end + timedelta(minutes=buffer))
    taken = [
        (a.start, a.end + timedelta(minutes=a.buffer))
        for a in appts
        if a.vet == vet and a.id != skip and a.status in ACTIVE
    ]
    return "SLOT_UNAVAILABLE" if any(overlaps(blocked, t) for t in taken) else None


def expected_slots(appts: list[Appt], vets: list[uuid.UUID], day: date, service: str) -> set[Any]:
    minutes, buffer = SERVICES[service]
    found = set()
    for vet in vets:
        for lo, hi in windows(day, "work"):
            start = lo
            while start + timedelta(minutes=minutes) <= hi:
                if verdict(appts, vet, start, minutes, buffer) is None:
                    found.add((start, vet))
                start += STEP
    return found


@pytest.fixture(scope="module")
def world(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        clinic = make_clinic(
            conn,
            "hypoclinic",
            timezone="Europe/Madrid",
            vets=2,
            owners=2,
            shift=None,
            lunch=None,
            services=SERVICES,
        )
        for vet in clinic.vets:
            for weekday, kinds in SCHEDULE.items():
                for kind, ranges in kinds.items():
                    for a, b in ranges:
                        conn.execute(
                            "INSERT INTO vet_working_hours"
                            " (tenant_id, vet_id, weekday, kind, starts_at, ends_at)"
                            " VALUES ('hypoclinic', %s, %s, %s, %s, %s)",
                            [vet, weekday, kind, a, b],
                        )
        conn.commit()
        return clinic


def test_random_steps_keep_the_calendar_consistent(world: Clinic, database_url: str) -> None:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        run_state_machine_as_test(
            make_machine(world, conn),
            settings=settings(
                max_examples=25,
                stateful_step_count=20,
                deadline=None,
                database=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )


def make_machine(clinic: Clinic, conn: psycopg.Connection[Any]) -> type[RuleBasedStateMachine]:
    users = {"owner_a": clinic.owners[0], "owner_b": clinic.owners[1], "vet": clinic.vets[0]}

    class BookingMachine(RuleBasedStateMachine):
        appointments = Bundle("appointments")

        def __init__(self) -> None:
            super().__init__()
            conn.execute("TRUNCATE appointments, appointment_events, booking_requests")
            conn.commit()

        def state(self) -> list[Appt]:
            rows = conn.execute(
                "SELECT a.id, a.vet_id, a.start_time, a.end_time, a.buffer_minutes, a.status,"
                " p.owner_id FROM appointments a"
                " JOIN pets p ON p.tenant_id = a.tenant_id AND p.id = a.pet_id"
            ).fetchall()
            conn.commit()
            return [
                Appt(
                    r["id"],
                    r["vet_id"],
                    r["start_time"],
                    r["end_time"],
                    r["buffer_minutes"],
                    r["status"],
                    r["owner_id"],
                )
                for r in rows
            ]

        def act(self, user: str, call: Any) -> Any:
            try:
                return as_user(conn, users[user], lambda: call(conn))
            except VeteError as refused:
                return refused

        @rule(
            target=appointments,
            user=st.sampled_from(sorted(users)),
            vet=st.sampled_from([0, 1]),
            service=st.sampled_from(sorted(SERVICES)),
            start=st.sampled_from(START_CHOICES),
        )
        def book(self, user: str, vet: int, service: str, start: datetime) -> Any:
            owner = users[user] if user != "vet" else users["owner_a"]
            minutes, buffer = SERVICES[service]
            expected = verdict(self.state(), clinic.vets[vet], start, minutes, buffer)
            result = self.act(
                user,
                lambda c: booking.book(
                    c,
                    tenant_id=clinic.tenant_id,
                    pet_id=clinic.pet_of(owner),
                    service_id=clinic.services[service],
                    vet_id=clinic.vets[vet],
                    start=start,
                ),
            )
            if isinstance(result, VeteError):
                assert result.code == expected, (result.code, expected, start)
                return multiple()
            assert expected is None, (expected, start)
            return result.appointment_id

        @rule(
            appointment=appointments,
            user=st.sampled_from(sorted(users)),
            start=st.sampled_from(START_CHOICES),
        )
        def reschedule(self, appointment: uuid.UUID, user: str, start: datetime) -> None:
            appts = self.state()
            current = next(a for a in appts if a.id == appointment)
            minutes = int((current.end - current.start) / timedelta(minutes=1))
            if user != "vet" and users[user] != current.owner:
                expected: str | None = "UNAUTHORIZED"
            elif start <= clock.now():
                expected = "INVALID_TIME"
            else:
                expected = verdict(
                    appts, current.vet, start, minutes, current.buffer, skip=current.id
                )
                if expected is None and current.status not in ("scheduled", "confirmed"):
                    expected = "INVALID_STATUS"
            result = self.act(
                user,
                lambda c: booking.reschedule(
                    c, appointment_id=appointment, new_start=start, is_staff=user == "vet"
                ),
            )
            got = result.code if isinstance(result, VeteError) else None
            if expected == "SLOT_UNAVAILABLE" and current.status not in ("scheduled", "confirmed"):
                expected = "INVALID_STATUS"  # the status is checked before the overlap
            assert got == expected, (got, expected, current, start)

        @rule(appointment=appointments, user=st.sampled_from(sorted(users)))
        def cancel(self, appointment: uuid.UUID, user: str) -> None:
            current = next(a for a in self.state() if a.id == appointment)
            result = self.act(
                user, lambda c: booking.cancel(c, appointment_id=appointment, reason="random")
            )
            if user != "vet" and users[user] != current.owner:
                assert isinstance(result, VeteError)
                assert result.code == "UNAUTHORIZED"
            elif current.status in ("scheduled", "confirmed") or (
                user == "vet" and current.status == "checked_in"
            ):
                assert not isinstance(result, VeteError), result
            else:
                assert isinstance(result, VeteError)

        @rule(
            appointment=appointments,
            status=st.sampled_from(
                ["confirmed", "checked_in", "in_progress", "completed", "no_show"]
            ),
        )
        def advance(self, appointment: uuid.UUID, status: Any) -> None:
            result = self.act(
                "vet", lambda c: booking.set_status(c, appointment_id=appointment, status=status)
            )
            if isinstance(result, VeteError):
                assert result.code == "INVALID_TRANSITION"

        @invariant()
        def calendar_is_consistent(self) -> None:
            appts = self.state()
            active = [a for a in appts if a.status in ACTIVE]
            for a in active:
                minutes = int((a.end - a.start) / timedelta(minutes=1))
                others = [b for b in active if b.id != a.id]
                assert verdict(others, a.vet, a.start, minutes, a.buffer) is None, a
            for day in DAYS:
                for service in SERVICES:
                    offered = booking.available_slots(
                        conn,
                        tenant_id=clinic.tenant_id,
                        day=day,
                        service_id=clinic.services[service],
                    )
                    conn.commit()
                    got = {(s.start, s.vet_id) for s in offered}
                    assert got == expected_slots(appts, clinic.vets, day, service), (day, service)
                    if offered:
                        self.offered_slot_books(offered[len(offered) // 2], service)

        def offered_slot_books(self, slot: booking.Slot, service: str) -> None:
            with conn.transaction():
                booked = booking.book(
                    conn,
                    tenant_id=clinic.tenant_id,
                    pet_id=clinic.pet_of(users["owner_a"]),
                    service_id=clinic.services[service],
                    vet_id=slot.vet_id,
                    start=slot.start,
                )
                assert booked.start_time == slot.start
                raise psycopg.Rollback()

    return BookingMachine
