"""Race-free booking: typed Python calls over vete's booking SQL functions.

    from vete.booking import book, available_slots
    with conn.transaction():
        act_as(conn, user_id=owner_id, role="authenticated")
        slot = available_slots(conn, tenant_id="adris", day=date(2027, 3, 1), service_id=svc)[0]
        booking = book(conn, tenant_id="adris", pet_id=pet, service_id=svc,
                       vet_id=slot.vet_id, start=slot.start)

Business outcomes raise the exceptions of :mod:`vete.errors` carrying the SQL code
(``SLOT_UNAVAILABLE`` …, see :data:`ERROR_CODES`); anything else is a bug and surfaces.
"""

from vete.booking.appointments import book, cancel, reschedule, set_status
from vete.booking.availability import available_slots, clinic_instant
from vete.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    Rescheduled,
    Slot,
    Status,
    StatusChange,
)
from vete.booking.outcome import ERROR_CODES

__all__ = [
    "ACTIVE_STATUSES",
    "ERROR_CODES",
    "Booking",
    "Rescheduled",
    "Slot",
    "Status",
    "StatusChange",
    "available_slots",
    "book",
    "cancel",
    "clinic_instant",
    "reschedule",
    "set_status",
]
