"""Free slots and clinic wall-clock times (typed calls over the SQL functions)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import psycopg

from vete.booking.models import Slot
from vete.booking.outcome import unwrap
from vete.booking.sql import queries


def available_slots(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    day: date,
    service_id: UUID,
    vet_id: UUID | None = None,
) -> list[Slot]:
    """Free slots of ``day`` (the clinic's local date) for a service, ordered by start then vet."""
    rows = queries.available_slots(
        conn, tenant_id=tenant_id, day=day, service_id=service_id, vet_id=vet_id
    )
    slots = []
    for row in rows:
        start, end, vet = row.values() if isinstance(row, dict) else row
        slots.append(Slot(start=start, end=end, vet_id=vet))
    return slots


def clinic_instant(conn: psycopg.Connection[Any], *, tenant_id: str, local: datetime) -> datetime:
    """The instant of a naive wall-clock time in the clinic's zone.

    Inside a spring-forward gap raises :class:`~vete.errors.InvalidInput` with code
    ``NONEXISTENT_LOCAL_TIME``; in the repeated autumn hour ``local.fold`` picks the first
    (0) or second (1) occurrence, as :mod:`zoneinfo` does.
    """
    if local.tzinfo is not None:
        raise ValueError("local must be naive: a wall-clock time in the clinic")
    result = unwrap(
        queries.resolve_clinic_local_time(
            conn, tenant_id=tenant_id, local_time=local, later=bool(local.fold)
        )
    )
    return datetime.fromisoformat(str(result["instant"]))


def to_instant(conn: psycopg.Connection[Any], *, tenant_id: str, moment: datetime) -> datetime:
    """``moment`` itself when aware; a naive one is read as the clinic's wall clock."""
    if moment.tzinfo is not None:
        return moment
    return clinic_instant(conn, tenant_id=tenant_id, local=moment)
