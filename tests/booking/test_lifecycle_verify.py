"""verify/007 checks that the transition table is consistent, not how many rows it has: a
later migration that adds a status or a transition keeps `vete db verify` and `vete db
monitor` green; a transition to an unknown status, out of a status that frees the slot, or
a status nothing reaches makes them fail."""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
import pytest
from psycopg import sql

from vete.deploy import maintain
from vete.deploy.source import vete_source

STATUSES = [
    "scheduled",
    "confirmed",
    "checked_in",
    "in_progress",
    "completed",
    "cancelled",
    "no_show",
]
Change = sql.SQL | sql.Composed


def allow_statuses(extra: str) -> Change:
    """Replace the appointments.status CHECK with one allowing ``extra`` too."""
    return sql.SQL(
        """
        DO $$
        BEGIN
            EXECUTE (
                SELECT format('ALTER TABLE public.appointments DROP CONSTRAINT %I', conname)
                FROM pg_constraint
                WHERE conrelid = 'public.appointments'::regclass AND contype = 'c'
                  AND pg_get_constraintdef(oid) LIKE '%status%scheduled%');
        END
        $$;
        ALTER TABLE public.appointments ADD CONSTRAINT appointments_status_check
            CHECK (status IN ({}));
        """
    ).format(sql.SQL(", ").join(map(sql.Literal, [*STATUSES, extra])))


def transitions(*rows: tuple[str, str, str, str | None]) -> Change:
    """Insert transitions (from, to, who may take it, stamp column)."""
    return sql.SQL(
        "INSERT INTO vete.appointment_status_transitions"
        " (from_status, to_status, allowed_to, stamp_column) VALUES {};"
    ).format(
        sql.SQL(", ").join(
            sql.SQL("({})").format(sql.SQL(", ").join(map(sql.Literal, row))) for row in rows
        )
    )


def statement(text: LiteralString) -> Change:
    return sql.SQL(text)


def verify_007_after(conn: psycopg.Connection[Any], change: Change) -> list[str]:
    """The failures of verify 007 (as `vete db verify` runs it) once ``change`` is made;
    the change is rolled back."""
    with conn.transaction():
        conn.execute(change)
        report = maintain.verify(conn, vete_source(), record=False)
        raise psycopg.Rollback()
    return [f for f in report.failures if f.startswith("007_")]


def test_the_deployed_lifecycle_verifies(conn: psycopg.Connection[Any]) -> None:
    assert verify_007_after(conn, statement("SELECT 1")) == []


@pytest.mark.parametrize(
    "change",
    [
        transitions(("confirmed", "in_progress", "staff", "started_at")),
        # A new status the way a migration adds one: the CHECK allows it, transitions lead
        # in from 'scheduled' and out to where it ends.
        allow_statuses("waitlisted")
        + transitions(
            ("scheduled", "waitlisted", "staff", None),
            ("waitlisted", "confirmed", "staff", "confirmed_at"),
            ("waitlisted", "cancelled", "owner_or_staff", "cancelled_at"),
        ),
    ],
    ids=["a-new-transition", "a-new-status"],
)
def test_adding_to_the_lifecycle_keeps_verify_green(
    conn: psycopg.Connection[Any], change: Change
) -> None:
    assert verify_007_after(conn, change) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            transitions(("scheduled", "paused", "staff", None)),
            "a status appointments.status does not allow: scheduled -> paused",
        ),
        (
            transitions(("cancelled", "scheduled", "owner_or_staff", None)),
            "out of a status that frees the slot: cancelled -> scheduled",
        ),
        (
            transitions(("no_show", "confirmed", "staff", "confirmed_at")),
            "out of a status that frees the slot: no_show -> confirmed",
        ),
        (
            transitions(("confirmed", "confirmed", "staff", "confirmed_at")),
            "to the same status: confirmed -> confirmed",
        ),
        (allow_statuses("waitlisted"), "not reachable from scheduled: waitlisted"),
        (
            allow_statuses("parked")
            + transitions(
                ("scheduled", "parked", "staff", None), ("parked", "scheduled", "staff", None)
            )
            + statement(
                "DELETE FROM vete.appointment_status_transitions"
                " WHERE (from_status = 'scheduled' AND to_status <> 'parked')"
                " OR (to_status = 'scheduled' AND from_status <> 'parked')"
            ),
            "no final status is reachable: parked, scheduled",
        ),
    ],
    ids=[
        "to-an-unknown-status",
        "out-of-cancelled",
        "out-of-no-show",
        "to-itself",
        "unreachable-status",
        "a-loop-that-never-ends",
    ],
)
def test_an_inconsistent_lifecycle_fails_verify(
    conn: psycopg.Connection[Any], change: Change, reason: str
) -> None:
    failures = verify_007_after(conn, change)
    assert len(failures) == 1, failures
    assert reason in failures[0]
