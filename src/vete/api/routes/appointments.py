"""Appointments: book, reschedule, cancel, status changes, mine, and a clinic's day."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, status

from vete import booking, reads
from vete.api.deps import TenantId, UserDb, counted
from vete.api.schemas import BookRequest, CancelRequest, RescheduleRequest, StatusRequest
from vete.db.work import Work
from vete.errors import Forbidden, NotFound

router = APIRouter(prefix="/api", tags=["appointments"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=booking.MAX_IDEMPOTENCY_KEY_CHARS,
        description="A retry with the same key (same caller and body) returns the first answer;"
        " keys are the caller's own.",
    ),
]


@router.post("/clinics/{tenant_id}/appointments", status_code=status.HTTP_201_CREATED)
async def book(
    tenant_id: TenantId,
    body: BookRequest,
    db: UserDb,
    idempotency_key: IdempotencyKey = None,
) -> booking.Booking:
    """Book an appointment. 409 ``SLOT_UNAVAILABLE`` when the slot was taken."""
    with counted(db.state.metrics.bookings, "book"):
        return await db.run(
            booking.book_work(
                tenant_id=tenant_id,
                pet_id=body.pet_id,
                service_id=body.service_id,
                vet_id=body.vet_id,
                start=body.start_time,
                duration_minutes=body.duration_minutes,
                reason=body.reason,
                notes=body.notes,
                idempotency_key=idempotency_key,
            )
        )


@router.get("/clinics/{tenant_id}/appointments/mine")
async def my_appointments(tenant_id: TenantId, db: UserDb) -> list[reads.AppointmentView]:
    """Appointments of the caller's pets in the clinic, soonest first."""
    return await db.run(reads.my_appointments_work(tenant_id=tenant_id))


@router.get("/clinics/{tenant_id}/day")
async def clinic_day(
    tenant_id: TenantId,
    day: Annotated[date, Query(description="The clinic's local date.")],
    db: UserDb,
) -> list[reads.DayAppointment]:
    """Every appointment of the clinic on a local date (staff only)."""

    def staff_day() -> Work[list[reads.DayAppointment]]:
        if not (yield from reads.is_staff_work(tenant_id=tenant_id)):
            raise Forbidden(f"only staff of {tenant_id!r} see its day", code="FORBIDDEN")
        return (yield from reads.clinic_day_work(tenant_id=tenant_id, day=day))

    return await db.run(staff_day())


@router.get("/appointments/{appointment_id}")
async def get_appointment(appointment_id: UUID, db: UserDb) -> reads.AppointmentView:
    """One appointment (the pet's owner or the clinic's staff)."""
    found = await db.run(reads.appointment_work(appointment_id=appointment_id))
    if found is None:
        raise NotFound("appointment not found")
    return found


@router.post("/appointments/{appointment_id}/reschedule")
async def reschedule(
    appointment_id: UUID,
    body: RescheduleRequest,
    db: UserDb,
) -> booking.Rescheduled:
    """Move an appointment in place (same id); it goes back to ``scheduled``."""
    with counted(db.state.metrics.bookings, "reschedule"):
        return await db.run(
            booking.reschedule_work(
                appointment_id=appointment_id,
                new_start=body.new_start_time,
                user_id=db.identity.user_id,
            )
        )


@router.post("/appointments/{appointment_id}/cancel")
async def cancel(
    appointment_id: UUID,
    body: CancelRequest,
    db: UserDb,
) -> booking.StatusChange:
    """Cancel an appointment; its slot is free at once."""
    with counted(db.state.metrics.bookings, "cancel"):
        return await db.run(booking.cancel_work(appointment_id=appointment_id, reason=body.reason))


@router.post("/appointments/{appointment_id}/status")
async def set_status(
    appointment_id: UUID,
    body: StatusRequest,
    db: UserDb,
) -> booking.StatusChange:
    """Move an appointment along its lifecycle (staff steps are refused to owners)."""
    with counted(db.state.metrics.bookings, "status"):
        return await db.run(
            booking.set_status_work(
                appointment_id=appointment_id,
                status=body.status,
                reason=body.reason,
            )
        )
