"""Race-free booking: typed Python calls over vete's booking SQL functions.

    from vete.booking import book, available_slots
    with conn.transaction():
        act_as(conn, user_id=owner_id, role="authenticated")
        slot = available_slots(conn, tenant_id="adris", day=date(2027, 3, 1), service_id=svc)[0]
        booking = book(conn, tenant_id="adris", pet_id=pet, service_id=svc,
                       vet_id=slot.vet_id, start=slot.start)

Each call blocks on a psycopg ``Connection``; its ``*_work`` twin is the same work for an
async connection (:func:`vete.db.work.arun`), which is how the HTTP API calls it.

Business outcomes raise the exceptions of :mod:`vete.errors` carrying the SQL code
(``SLOT_UNAVAILABLE`` …, registered in :data:`vete.errors.BUSINESS_CODES`); anything
else is a bug and surfaces.
"""

from vete.booking.appointments import (
    book,
    book_work,
    cancel,
    cancel_work,
    reschedule,
    reschedule_work,
    set_status,
    set_status_work,
)
from vete.booking.availability import available_slots, available_slots_work, clinic_instant
from vete.booking.models import (
    ACTIVE_STATUSES,
    MAX_IDEMPOTENCY_KEY_CHARS,
    MAX_TEXT_CHARS,
    Booking,
    Rescheduled,
    Slot,
    Status,
    StatusChange,
)

__all__ = [
    "ACTIVE_STATUSES",
    "MAX_IDEMPOTENCY_KEY_CHARS",
    "MAX_TEXT_CHARS",
    "Booking",
    "Rescheduled",
    "Slot",
    "Status",
    "StatusChange",
    "available_slots",
    "available_slots_work",
    "book",
    "book_work",
    "cancel",
    "cancel_work",
    "clinic_instant",
    "reschedule",
    "reschedule_work",
    "set_status",
    "set_status_work",
]
