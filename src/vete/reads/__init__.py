"""The read model: typed reads (``reads.sql``) of clinics, catalog, my things, a day.

A domain package beside booking and store, used by the API, the web pages and the CLI
(``vete serve``, ``vete token``). The reads run as the caller's identity, so row-level
security decides what each caller sees. No FastAPI here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import aiosql

from vete.db.work import Statement, Work, blocking
from vete.errors import NotFound

_queries: Any = aiosql.from_path(Path(__file__).parent / "reads.sql", "psycopg")

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
    #: ``[{role, clinic}]``: the role (``owner``, ``vet``, ``admin``) and the clinic's name.
    memberships: list[dict[str, str]]


@dataclass(frozen=True, slots=True, kw_only=True)
class BookingCalendar:
    """A clinic's today (its wall clock, the server's time) and the weekdays it is open."""

    today: date
    #: ISO weekdays (Monday 1) on which a vet (or the one asked about) has a shift.
    open_weekdays: list[int]

    def is_open(self, day: date) -> bool:
        return day.isoweekday() in self.open_weekdays

    def next_open_day(self) -> date:
        """The first open day after today (tomorrow when the clinic has no shifts at all)."""
        for ahead in range(1, 8):
            day = self.today + timedelta(days=ahead)
            if self.is_open(day):
                return day
        return self.today + timedelta(days=1)


def clinics_work() -> Work[list[Clinic]]:
    """Every clinic, by name."""
    return _rows(Clinic, (yield Statement(_queries.clinics, {})))


def clinic_work(*, tenant_id: str) -> Work[Clinic | None]:
    """One clinic, or None."""
    row = yield Statement(_queries.clinic, {"tenant_id": tenant_id})
    return None if row is None else _row(Clinic, row)


def require_clinic_work(*, tenant_id: str) -> Work[Clinic]:
    """One clinic; :class:`~vete.errors.NotFound` (``TENANT_NOT_FOUND``) when there is none."""
    found = yield from clinic_work(tenant_id=tenant_id)
    if found is None:
        raise NotFound(f"no clinic {tenant_id!r}", code="TENANT_NOT_FOUND")
    return found


def services_work(*, tenant_id: str) -> Work[list[Service]]:
    """A clinic's active services."""
    return _rows(Service, (yield Statement(_queries.services, {"tenant_id": tenant_id})))


def vets_work(*, tenant_id: str) -> Work[list[Vet]]:
    """A clinic's vets."""
    return _rows(Vet, (yield Statement(_queries.vets, {"tenant_id": tenant_id})))


def my_pets_work(*, tenant_id: str) -> Work[list[Pet]]:
    """The caller's pets in a clinic."""
    return _rows(Pet, (yield Statement(_queries.my_pets, {"tenant_id": tenant_id})))


def my_memberships_work() -> Work[list[Membership]]:
    """The clinics the caller belongs to."""
    return _rows(Membership, (yield Statement(_queries.my_memberships, {})))


def is_staff_work(*, tenant_id: str) -> Work[bool]:
    """True when the caller is a vet or admin of the clinic, or the platform."""
    return bool((yield Statement(_queries.caller_is_staff, {"tenant_id": tenant_id})))


def my_appointments_work(*, tenant_id: str) -> Work[list[AppointmentView]]:
    """Appointments of the caller's pets in a clinic, soonest first."""
    rows = yield Statement(_queries.my_appointments, {"tenant_id": tenant_id})
    return _rows(AppointmentView, rows)


def appointment_work(*, appointment_id: UUID) -> Work[AppointmentView | None]:
    """One appointment the caller may see, or None."""
    row = yield Statement(_queries.appointment, {"appointment_id": appointment_id})
    return None if row is None else _row(AppointmentView, row)


def clinic_day_work(*, tenant_id: str, day: date) -> Work[list[DayAppointment]]:
    """Every appointment of a clinic-local date that the caller may see."""
    rows = yield Statement(_queries.clinic_day, {"tenant_id": tenant_id, "day": day})
    return _rows(DayAppointment, rows)


def products_work(*, tenant_id: str) -> Work[list[Product]]:
    """A clinic's products on sale."""
    return _rows(Product, (yield Statement(_queries.products, {"tenant_id": tenant_id})))


def booking_calendar_work(*, tenant_id: str, vet_id: UUID | None = None) -> Work[BookingCalendar]:
    """The clinic's today and open weekdays (of one vet, or any); the clinic must exist."""
    row = yield Statement(_queries.booking_calendar, {"tenant_id": tenant_id, "vet_id": vet_id})
    if row is None:
        raise NotFound(f"no clinic {tenant_id!r}", code="TENANT_NOT_FOUND")
    return _row(BookingCalendar, row)


def user_id_by_email_work(*, email: str) -> Work[UUID | None]:
    """The auth user id of a login email, or None (needs a platform connection)."""
    row = yield Statement(_queries.user_by_email, {"email": email})
    return None if row is None else UUID(str(row["id"] if isinstance(row, dict) else row[0]))


def demo_logins_work(*, demo_ids: Collection[UUID]) -> Work[list[DemoLogin]]:
    """The demo users among ``demo_ids``, for the demo sign-in page (as the platform)."""
    rows = yield Statement(_queries.demo_logins, {"demo_ids": list(demo_ids)})
    return _rows(DemoLogin, rows)


def demo_user_id_work(*, email: str, demo_ids: Collection[UUID]) -> Work[UUID | None]:
    """The demo user (one of ``demo_ids``) with this demo email, or None (as the platform)."""
    found = yield Statement(
        _queries.demo_user_by_email, {"email": email, "demo_ids": list(demo_ids)}
    )
    return None if found is None else UUID(str(found))


def is_empty_work() -> Work[bool]:
    """True when the database has no clinic yet."""
    return bool((yield Statement(_queries.is_empty, {})))


clinics = blocking(clinics_work)
clinic = blocking(clinic_work)
require_clinic = blocking(require_clinic_work)
services = blocking(services_work)
vets = blocking(vets_work)
my_pets = blocking(my_pets_work)
my_memberships = blocking(my_memberships_work)
is_staff = blocking(is_staff_work)
my_appointments = blocking(my_appointments_work)
appointment = blocking(appointment_work)
clinic_day = blocking(clinic_day_work)
products = blocking(products_work)
booking_calendar = blocking(booking_calendar_work)
user_id_by_email = blocking(user_id_by_email_work)
demo_logins = blocking(demo_logins_work)
demo_user_id = blocking(demo_user_id_work)
is_empty = blocking(is_empty_work)
