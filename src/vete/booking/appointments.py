"""Book, reschedule, cancel and move appointments along their lifecycle (typed SQL calls).

Each call runs in the caller's transaction and does not commit: the HTTP layer (or a test)
opens one transaction per request, sets the identity with :func:`vete.session.act_as`,
calls, and commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg

from vete.booking.availability import to_instant
from vete.booking.models import Booking, Rescheduled, Status, StatusChange, from_json
from vete.booking.outcome import unwrap
from vete.booking.sql import queries


def book(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    pet_id: UUID,
    service_id: UUID,
    vet_id: UUID,
    start: datetime,
    duration_minutes: int | None = None,
    reason: str | None = None,
    notes: str | None = None,
    booked_by: UUID | None = None,
    idempotency_key: str | None = None,
) -> Booking:
    """Book ``pet_id`` with ``vet_id`` at ``start`` (a naive ``start`` is clinic wall-clock time).

    The duration is the service's unless given. Raises :class:`~vete.errors.SlotUnavailable`
    when the range is taken, and the mapped error for every other code.
    """
    result = queries.book_appointment(
        conn,
        tenant_id=tenant_id,
        pet_id=pet_id,
        service_id=service_id,
        vet_id=vet_id,
        start_time=to_instant(conn, tenant_id=tenant_id, moment=start),
        duration_minutes=duration_minutes,
        reason=reason,
        notes=notes,
        booked_by=booked_by,
        idempotency_key=idempotency_key,
    )
    return from_json(Booking, unwrap(result))


def reschedule(
    conn: psycopg.Connection[Any],
    *,
    appointment_id: UUID,
    new_start: datetime,
    user_id: UUID | None = None,
    is_staff: bool = False,
) -> Rescheduled:
    """Move an appointment to ``new_start`` (aware datetime); same id, same duration."""
    if new_start.tzinfo is None:
        raise ValueError("new_start must be timezone-aware (the appointment's clinic is not known)")
    result = queries.reschedule_appointment(
        conn,
        appointment_id=appointment_id,
        new_start_time=new_start,
        user_id=user_id,
        is_staff=is_staff,
    )
    return from_json(Rescheduled, unwrap(result))


def cancel(conn: psycopg.Connection[Any], *, appointment_id: UUID, reason: str) -> StatusChange:
    """Cancel an appointment (owner or staff); the slot is free once the transaction commits."""
    result = queries.cancel_appointment(conn, appointment_id=appointment_id, reason=reason)
    return from_json(StatusChange, unwrap(result))


def set_status(
    conn: psycopg.Connection[Any],
    *,
    appointment_id: UUID,
    status: Status,
    reason: str | None = None,
) -> StatusChange:
    """Move an appointment along its lifecycle; invalid steps raise ``INVALID_TRANSITION``."""
    result = queries.set_appointment_status(
        conn, appointment_id=appointment_id, status=status, reason=reason
    )
    return from_json(StatusChange, unwrap(result))
