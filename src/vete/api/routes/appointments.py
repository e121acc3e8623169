"""Appointments: book, reschedule, cancel, status changes, mine, and a clinic's day."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query, status

from vete import booking
from vete.api import reads
from vete.api.deps import ConnDep, CurrentUser, StateDep, TenantId, counted
from vete.api.schemas import BookRequest, CancelRequest, RescheduleRequest, StatusRequest
from vete.errors import Forbidden, NotFound

router = APIRouter(prefix="/api", tags=["appointments"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="A retry with the same key (same caller and body) returns the first answer.",
    ),
]


@router.post("/clinics/{tenant_id}/appointments", status_code=status.HTTP_201_CREATED)
def book(
    tenant_id: TenantId,
    body: BookRequest,
    user: CurrentUser,
    conn: ConnDep,
    state: StateDep,
    idempotency_key: IdempotencyKey = None,
) -> booking.Booking:
    """Book an appointment. 409 ``SLOT_UNAVAILABLE`` when the slot was taken."""
    with counted(state.metrics.bookings, "book"):
        return booking.book(
            conn,
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


@router.get("/clinics/{tenant_id}/appointments/mine")
def my_appointments(
    tenant_id: TenantId, _: CurrentUser, conn: ConnDep
) -> list[reads.AppointmentView]:
    """Appointments of the caller's pets in the clinic, soonest first."""
    return reads.my_appointments(conn, tenant_id=tenant_id)


@router.get("/clinics/{tenant_id}/day")
def clinic_day(
    tenant_id: TenantId,
    day: Annotated[date, Query(description="The clinic's local date.")],
    _: CurrentUser,
    conn: ConnDep,
) -> list[reads.DayAppointment]:
    """Every appointment of the clinic on a local date (staff only)."""
    if not reads.is_staff(conn, tenant_id=tenant_id):
        raise Forbidden(f"only staff of {tenant_id!r} see its day", code="FORBIDDEN")
    return reads.clinic_day(conn, tenant_id=tenant_id, day=day)


@router.get("/appointments/{appointment_id}")
def get_appointment(appointment_id: UUID, _: CurrentUser, conn: ConnDep) -> reads.AppointmentView:
    """One appointment (the pet's owner or the clinic's staff)."""
    found = reads.appointment(conn, appointment_id=appointment_id)
    if found is None:
        raise NotFound("appointment not found")
    return found


@router.post("/appointments/{appointment_id}/reschedule")
def reschedule(
    appointment_id: UUID,
    body: RescheduleRequest,
    user: CurrentUser,
    conn: ConnDep,
    state: StateDep,
) -> booking.Rescheduled:
    """Move an appointment in place (same id); it goes back to ``scheduled``."""
    with counted(state.metrics.bookings, "reschedule"):
        return booking.reschedule(
            conn, appointment_id=appointment_id, new_start=body.new_start_time, user_id=user.user_id
        )


@router.post("/appointments/{appointment_id}/cancel")
def cancel(
    appointment_id: UUID, body: CancelRequest, _: CurrentUser, conn: ConnDep, state: StateDep
) -> booking.StatusChange:
    """Cancel an appointment; its slot is free at once."""
    with counted(state.metrics.bookings, "cancel"):
        return booking.cancel(conn, appointment_id=appointment_id, reason=body.reason)


@router.post("/appointments/{appointment_id}/status")
def set_status(
    appointment_id: UUID,
    body: StatusRequest,
    _: CurrentUser,
    conn: ConnDep,
    state: StateDep,
) -> booking.StatusChange:
    """Move an appointment along its lifecycle (staff steps are refused to owners)."""
    with counted(state.metrics.bookings, "status"):
        return booking.set_status(
            conn, appointment_id=appointment_id, status=body.status, reason=body.reason
        )
