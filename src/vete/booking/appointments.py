"""Book, reschedule, cancel and move appointments along their lifecycle (typed SQL calls).

Each call runs in the caller's transaction and does not commit: the HTTP layer (or a test)
opens one transaction per request, sets the identity with :func:`vete.session.act_as`,
calls, and commits. ``book(conn, ...)`` blocks; ``book_work(...)`` is the same work for
:func:`vete.db.work.arun` on an async connection (the HTTP API's way).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from vete.booking.availability import to_instant_work
from vete.booking.models import Booking, Rescheduled, Status, StatusChange, from_json
from vete.booking.outcome import unwrap
from vete.booking.sql import queries
from vete.db.work import Statement, Work, blocking


def book_work(
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
) -> Work[Booking]:
    """Book ``pet_id`` with ``vet_id`` at ``start`` (a naive ``start`` is clinic wall-clock time).

    The duration is the service's unless given. Raises :class:`~vete.errors.SlotUnavailable`
    when the range is taken, and the mapped error for every other code.
    """
    start_time = yield from to_instant_work(tenant_id=tenant_id, moment=start)
    result = yield Statement(
        queries.book_appointment,
        {
            "tenant_id": tenant_id,
            "pet_id": pet_id,
            "service_id": service_id,
            "vet_id": vet_id,
            "start_time": start_time,
            "duration_minutes": duration_minutes,
            "reason": reason,
            "notes": notes,
            "booked_by": booked_by,
            "idempotency_key": idempotency_key,
        },
    )
    return from_json(Booking, unwrap(result))


def reschedule_work(
    *,
    appointment_id: UUID,
    new_start: datetime,
    user_id: UUID | None = None,
    is_staff: bool = False,
) -> Work[Rescheduled]:
    """Move an appointment to ``new_start`` (aware datetime); same id, same duration."""
    if new_start.tzinfo is None:
        raise ValueError("new_start must be timezone-aware (the appointment's clinic is not known)")
    result = yield Statement(
        queries.reschedule_appointment,
        {
            "appointment_id": appointment_id,
            "new_start_time": new_start,
            "user_id": user_id,
            "is_staff": is_staff,
        },
    )
    return from_json(Rescheduled, unwrap(result))


def cancel_work(*, appointment_id: UUID, reason: str) -> Work[StatusChange]:
    """Cancel an appointment (owner or staff); the slot is free once the transaction commits."""
    result = yield Statement(
        queries.cancel_appointment, {"appointment_id": appointment_id, "reason": reason}
    )
    return from_json(StatusChange, unwrap(result))


def set_status_work(
    *, appointment_id: UUID, status: Status, reason: str | None = None
) -> Work[StatusChange]:
    """Move an appointment along its lifecycle; invalid steps raise ``INVALID_TRANSITION``."""
    result = yield Statement(
        queries.set_appointment_status,
        {"appointment_id": appointment_id, "status": status, "reason": reason},
    )
    return from_json(StatusChange, unwrap(result))


book = blocking(book_work)
reschedule = blocking(reschedule_work)
cancel = blocking(cancel_work)
set_status = blocking(set_status_work)
