"""The test clinic builder: a tenant with vets, owners, pets, services and weekly hours,
built directly (the booking and store tests build on it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, TypeVar

import psycopg
from psycopg.types.json import Jsonb

from vete import booking
from vete.session import Role, act_as

T = TypeVar("T")

#: Every test clinic's vets work every day 08:00-20:00 with lunch 13:00-14:00 (local time).
DEFAULT_SHIFT = (time(8), time(20))
DEFAULT_BREAK = (time(13), time(14))
#: Test clinics open their calendar 10 years ahead (vete's default is 730 days), so a test's
#: days (counted from the server's clock, tests/clock.py) never meet the horizon by accident:
#: the horizon's own tests give their clinics vete's default ({}).
WIDE_HORIZON_SETTINGS: dict[str, Any] = {"booking_horizon_days": 3650}


@dataclass
class Clinic:
    """Ids of one test clinic's people and things."""

    tenant_id: str
    timezone: str
    vets: list[uuid.UUID] = field(default_factory=list)
    admins: list[uuid.UUID] = field(default_factory=list)
    owners: list[uuid.UUID] = field(default_factory=list)
    pets: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)  # owner -> pets
    services: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def vet(self) -> uuid.UUID:
        return self.vets[0]

    @property
    def owner(self) -> uuid.UUID:
        return self.owners[0]

    def pet_of(self, owner: uuid.UUID) -> uuid.UUID:
        return self.pets[owner][0]


def make_clinic(
    conn: psycopg.Connection[Any],
    tenant_id: str,
    *,
    timezone: str = "America/Asuncion",
    vets: int = 1,
    owners: int = 2,
    shift: tuple[time, time] | None = DEFAULT_SHIFT,
    lunch: tuple[time, time] | None = DEFAULT_BREAK,
    services: dict[str, tuple[int, int]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Clinic:
    """Insert a clinic as the platform (no identity) and commit it.

    ``settings`` are the clinic's (``tenants.settings``); ``{}`` gives vete's defaults.
    """
    services = services or {"consult": (30, 0), "surgery": (60, 15)}
    settings = WIDE_HORIZON_SETTINGS if settings is None else settings
    clinic = Clinic(tenant_id=tenant_id, timezone=timezone)
    conn.execute(
        "INSERT INTO tenants (id, name, timezone, settings) VALUES (%s, %s, %s, %s)",
        [tenant_id, tenant_id.title(), timezone, Jsonb(settings)],
    )
    people = [("vet", clinic.vets) for _ in range(vets)] + [("owner", clinic.owners)] * owners
    people.append(("admin", clinic.admins))
    for role, bucket in people:
        person = uuid.uuid4()
        bucket.append(person)
        conn.execute(
            "INSERT INTO profiles (tenant_id, id, role, full_name, email)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                tenant_id,
                person,
                role,
                f"{role} {len(bucket)}",
                f"{role}{len(bucket)}@{tenant_id}.test",
            ],
        )
    for owner in clinic.owners:
        clinic.pets[owner] = [
            conn.execute(
                "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, %s) RETURNING id",
                [tenant_id, owner, f"pet{n}"],
            ).fetchone()["id"]  # type: ignore[index]
            for n in range(2)
        ]
    for name, (duration, buffer) in services.items():
        clinic.services[name] = conn.execute(
            "INSERT INTO services (tenant_id, name, duration_minutes, buffer_minutes)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            [tenant_id, name, duration, buffer],
        ).fetchone()["id"]  # type: ignore[index]
    for vet in clinic.vets:
        for kind, hours in (("work", shift), ("break", lunch)):
            if hours is None:
                continue
            conn.execute(
                "INSERT INTO vet_working_hours"
                " (tenant_id, vet_id, weekday, kind, starts_at, ends_at)"
                " SELECT %s, %s, d, %s, %s, %s FROM generate_series(1, 7) d",
                [tenant_id, vet, kind, hours[0], hours[1]],
            )
    conn.commit()
    return clinic


def as_user(
    conn: psycopg.Connection[Any],
    user: uuid.UUID | None,
    call: Callable[[], T],
    *,
    role: Role = "authenticated",
) -> T:
    """Run ``call`` in one transaction as ``user`` (like one API request), then commit.

    On an exception the transaction rolls back and the exception propagates.
    """
    _require_idle(conn)
    with conn.transaction():
        act_as(conn, user_id=user, role=role)
        return call()


def book_consult(
    conn: psycopg.Connection[Any], clinic: Clinic, start: datetime, owner: uuid.UUID | None = None
) -> booking.Booking:
    """Book the clinic's consult with its vet as an owner (the first one by default)."""
    who = owner or clinic.owner
    return as_user(
        conn,
        who,
        lambda: booking.book(
            conn,
            tenant_id=clinic.tenant_id,
            pet_id=clinic.pet_of(who),
            service_id=clinic.services["consult"],
            vet_id=clinic.vet,
            start=start,
        ),
    )


@contextmanager
def request(
    conn: psycopg.Connection[Any], user: uuid.UUID | None, *, role: Role = "authenticated"
) -> Iterator[psycopg.Connection[Any]]:
    """A transaction acting as ``user``; commits on success."""
    _require_idle(conn)
    with conn.transaction():
        act_as(conn, user_id=user, role=role)
        yield conn


def rpc(conn: psycopg.Connection[Any], function: str, **named: Any) -> Any:
    """Call a public SQL function by named arguments, as PostgREST does, returning its value."""
    from psycopg import sql

    query = sql.SQL("SELECT {}({}) AS result").format(
        sql.Identifier("public", function),
        sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
            for name in named
        ),
    )
    row = conn.execute(query, named).fetchone()
    assert row is not None
    return row["result"]


def count_rows(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    """How many appointments and events exist (an independent count; commits)."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM appointments) AS a,"
        " (SELECT count(*) FROM appointment_events) AS e"
    ).fetchone()
    conn.commit()
    assert row is not None
    return row["a"], row["e"]


def _require_idle(conn: psycopg.Connection[Any]) -> None:
    # Inside an open transaction conn.transaction() is a savepoint and SET LOCAL ROLE would
    # outlive it: every request must be a transaction of its own.
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE, "commit first"
