"""Typed reads for the API and the pages (sql/reads.sql): clinics, catalog, my things, a day.

They run as the request's identity, so row-level security decides what each caller sees.
No FastAPI here: the web pages and ``vete token`` use the same calls.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import aiosql
import psycopg

from vete.errors import NotFound

_queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "reads.sql", "psycopg")

T = TypeVar("T")


def _row(cls: type[T], row: Any) -> T:
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    values = row if isinstance(row, dict) else dict(zip(names, row, strict=False))
    return cls(**{name: values[name] for name in names})


def _rows(cls: type[T], rows: Any) -> list[T]:
    return [_row(cls, r) for r in rows]


@dataclass(frozen=True, slots=True, kw_only=True)
class Clinic:
    """A clinic and the time zone its wall clock is read in."""

    id: str
    name: str
    timezone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """An active service of a clinic."""

    id: UUID
    name: str
    category: str
    base_price: Decimal
    duration_minutes: int
    buffer_minutes: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Vet:
    """A vet of a clinic."""

    id: UUID
    full_name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Pet:
    """One of the caller's pets."""

    id: UUID
    name: str
    species: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    """The caller's profile in one clinic."""

    tenant_id: str
    clinic_name: str
    role: str
    full_name: str
    email: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AppointmentView:
    """An appointment with the names a person reads."""

    id: UUID
    tenant_id: str
    pet_id: UUID
    pet_name: str
    service_id: UUID
    service_name: str
    vet_id: UUID
    vet_name: str | None
    start_time: datetime
    end_time: datetime
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DayAppointment(AppointmentView):
    """An appointment in a clinic's day view (staff), with the owner's name."""

    owner_name: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    """A product on sale and how many units are available now."""

    id: UUID
    sku: str
    name: str
    category: str
    price: Decimal
    available: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoLogin:
    """A demo user the demo sign-in page offers."""

    id: UUID
    email: str
    full_name: str
    memberships: str


Conn = psycopg.Connection[Any]


def clinics(conn: Conn) -> list[Clinic]:
    """Every clinic, by name."""
    return _rows(Clinic, _queries.clinics(conn))


def clinic(conn: Conn, *, tenant_id: str) -> Clinic | None:
    """One clinic, or None."""
    row = _queries.clinic(conn, tenant_id=tenant_id)
    return None if row is None else _row(Clinic, row)


def require_clinic(conn: Conn, *, tenant_id: str) -> Clinic:
    """One clinic; :class:`~vete.errors.NotFound` (``TENANT_NOT_FOUND``) when there is none."""
    found = clinic(conn, tenant_id=tenant_id)
    if found is None:
        raise NotFound(f"no clinic {tenant_id!r}", code="TENANT_NOT_FOUND")
    return found


def services(conn: Conn, *, tenant_id: str) -> list[Service]:
    """A clinic's active services."""
    return _rows(Service, _queries.services(conn, tenant_id=tenant_id))


def vets(conn: Conn, *, tenant_id: str) -> list[Vet]:
    """A clinic's vets."""
    return _rows(Vet, _queries.vets(conn, tenant_id=tenant_id))


def my_pets(conn: Conn, *, tenant_id: str) -> list[Pet]:
    """The caller's pets in a clinic."""
    return _rows(Pet, _queries.my_pets(conn, tenant_id=tenant_id))


def my_memberships(conn: Conn) -> list[Membership]:
    """The clinics the caller belongs to."""
    return _rows(Membership, _queries.my_memberships(conn))


def is_staff(conn: Conn, *, tenant_id: str) -> bool:
    """True when the caller is a vet or admin of the clinic, or the platform."""
    return bool(_queries.caller_is_staff(conn, tenant_id=tenant_id))


def my_appointments(conn: Conn, *, tenant_id: str) -> list[AppointmentView]:
    """Appointments of the caller's pets in a clinic, soonest first."""
    return _rows(AppointmentView, _queries.my_appointments(conn, tenant_id=tenant_id))


def appointment(conn: Conn, *, appointment_id: UUID) -> AppointmentView | None:
    """One appointment the caller may see, or None."""
    row = _queries.appointment(conn, appointment_id=appointment_id)
    return None if row is None else _row(AppointmentView, row)


def clinic_day(conn: Conn, *, tenant_id: str, day: date) -> list[DayAppointment]:
    """Every appointment of a clinic-local date that the caller may see."""
    return _rows(DayAppointment, _queries.clinic_day(conn, tenant_id=tenant_id, day=day))


def products(conn: Conn, *, tenant_id: str) -> list[Product]:
    """A clinic's products on sale."""
    return _rows(Product, _queries.products(conn, tenant_id=tenant_id))


def user_id_by_email(conn: Conn, *, email: str) -> UUID | None:
    """The auth user id of a login email, or None (needs a platform connection)."""
    row = _queries.user_by_email(conn, email=email)
    return None if row is None else UUID(str(row["id"] if isinstance(row, dict) else row[0]))


def demo_logins(conn: Conn) -> list[DemoLogin]:
    """Demo users for the demo sign-in page (needs a platform connection)."""
    return _rows(DemoLogin, _queries.demo_logins(conn))


def is_empty(conn: Conn) -> bool:
    """True when the database has no clinic yet."""
    return bool(_queries.is_empty(conn))
