"""Dates for tests, counted from the test server's clock, never from the calendar.

A test that books "2030-03-04" fails the day that date passes; one that books "the Monday
three weeks from now" passes on any date, and on a server whose clock runs years ahead
(``scripts/faketime-tests``). "Now" is the server's ``now()`` (``server_now()``, read once
per session), the clock the booking rules judge the past and the horizon by.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from vete.testing.plugin import server_now

MONDAY, SATURDAY, SUNDAY = 1, 6, 7  # ISO weekdays, as vet_working_hours.weekday


def now() -> datetime:
    """The test server's clock."""
    return server_now()


def today(zone: tzinfo) -> date:
    """The server's date in ``zone``."""
    return server_now().astimezone(zone).date()


def days_ahead(zone: tzinfo, days: int) -> date:
    """The date ``days`` after today in ``zone``."""
    return today(zone) + timedelta(days=days)


def weekday_ahead(zone: tzinfo, weekday: int = MONDAY, *, weeks: int = 3) -> date:
    """The first ``weekday`` (ISO, Monday 1) at least ``weeks`` weeks after today in ``zone``."""
    start = days_ahead(zone, 7 * weeks)
    return start + timedelta(days=(weekday - start.isoweekday()) % 7)


def clock_change(zone: tzinfo, *, forward: bool, after: date, backwards: bool = False) -> date:
    """The first local date after ``after`` (or, with ``backwards``, the last before it) on
    which ``zone``'s clocks jump forward (``forward``) or fall back: found by comparing the
    UTC offset at noon of each day with the day before's, within two years."""

    def offset(day: date) -> timedelta:
        found = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        assert found is not None
        return found

    step = timedelta(days=-1 if backwards else 1)
    day = after + step
    for _ in range(2 * 366):
        change = offset(day) - offset(day - timedelta(days=1))
        if change and (change > timedelta(0)) == forward:
            return day
        day += step
    raise AssertionError(f"{zone} has no clock change within two years of {after}")
