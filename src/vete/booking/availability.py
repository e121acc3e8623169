"""Free slots and clinic wall-clock times (typed calls over the SQL functions)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from vete.booking.models import Slot
from vete.booking.outcome import unwrap
from vete.booking.sql import queries
from vete.db.work import Statement, Work, blocking


def available_slots_work(
    *, tenant_id: str, day: date, service_id: UUID, vet_id: UUID | None = None
) -> Work[list[Slot]]:
    """Free slots of ``day`` (the clinic's local date) for a service, ordered by start then vet."""
    rows = yield Statement(
        queries.available_slots,
        {"tenant_id": tenant_id, "day": day, "service_id": service_id, "vet_id": vet_id},
    )
    slots = []
    for row in rows:
        start, end, vet = row.values() if isinstance(row, dict) else row
        slots.append(Slot(start=start, end=end, vet_id=vet))
    return slots


def clinic_instant_work(*, tenant_id: str, local: datetime) -> Work[datetime]:
    """The instant of a naive wall-clock time in the clinic's zone.

    Inside a spring-forward gap raises :class:`~vete.errors.InvalidInput` with code
    ``NONEXISTENT_LOCAL_TIME``; in the repeated autumn hour ``local.fold`` picks the first
    (0) or second (1) occurrence, as :mod:`zoneinfo` does.
    """
    if local.tzinfo is not None:
        raise ValueError("local must be naive: a wall-clock time in the clinic")
    result = yield Statement(
        queries.resolve_clinic_local_time,
        {"tenant_id": tenant_id, "local_time": local, "later": bool(local.fold)},
    )
    return datetime.fromisoformat(str(unwrap(result)["instant"]))


def to_instant_work(*, tenant_id: str, moment: datetime) -> Work[datetime]:
    """``moment`` itself when aware; a naive one is read as the clinic's wall clock."""
    if moment.tzinfo is not None:
        return moment
    return (yield from clinic_instant_work(tenant_id=tenant_id, local=moment))


available_slots = blocking(available_slots_work)
clinic_instant = blocking(clinic_instant_work)
to_instant = blocking(to_instant_work)
