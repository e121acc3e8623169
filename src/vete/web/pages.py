"""The web pages: clinic → service, vet, day → free slots → book → my appointments
(reschedule, cancel); the staff day view. Signing in is :mod:`vete.web.signin`, the shop
:mod:`vete.web.shop`.

Every page runs on the same typed dependencies and one transaction per request as the
API (each page's reads are one unit of work, :mod:`vete.db.work`); the identity comes from
the sign-in's httpOnly cookie instead of a header. Every page form refuses a post from
another site (:mod:`vete.web.guard`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vete import booking, reads
from vete.api.deps import PublicDb, TenantId, UserDb, counted
from vete.db.work import Work
from vete.errors import Forbidden, InvalidInput, NotFound
from vete.web.guard import refuse_cross_site
from vete.web.render import HERE, render

router = APIRouter(include_in_schema=False)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
async def home(request: Request, db: PublicDb) -> Response:
    def page() -> Work[dict[str, Any]]:
        signed_in = db.identity.user_id is not None
        return {
            "clinics": (yield from reads.clinics_work()),
            "memberships": (yield from reads.my_memberships_work()) if signed_in else [],
        }

    return render(request, "home.html", **await db.run(page()))


@router.get("/c/{tenant_id}")
async def clinic_home(tenant_id: TenantId, request: Request, db: PublicDb) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        staff = bool(db.identity.user_id) and (yield from reads.is_staff_work(tenant_id=tenant_id))
        return {"clinic": clinic, "staff": staff}

    return render(request, "clinic.html", **await db.run(page()))


@router.get("/c/{tenant_id}/book")
async def book_page(
    tenant_id: TenantId,
    request: Request,
    db: PublicDb,
    service_id: uuid.UUID | None = None,
    # A string: the form's "any vet" choice sends an empty value.
    vet_id: Annotated[str | None, Query(max_length=100)] = None,
    day: date | None = None,
) -> Response:
    try:
        chosen_vet = uuid.UUID(vet_id) if vet_id else None
    except ValueError as exc:
        raise InvalidInput(f"vet_id: {vet_id!r} is not a vet's id (a uuid)") from exc

    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        services = yield from reads.services_work(tenant_id=tenant_id)
        vets = yield from reads.vets_work(tenant_id=tenant_id)
        calendar = yield from reads.booking_calendar_work(tenant_id=tenant_id, vet_id=chosen_vet)
        chosen_day = day or calendar.next_open_day()
        slots: list[booking.Slot] | None = None
        if service_id is not None:
            slots = yield from booking.available_slots_work(
                tenant_id=tenant_id, day=chosen_day, service_id=service_id, vet_id=chosen_vet
            )
        signed_in = db.identity.user_id is not None
        pets = (yield from reads.my_pets_work(tenant_id=tenant_id)) if signed_in else []
        return {
            "clinic": clinic,
            "services": services,
            "vets": {v.id: v.full_name for v in vets},
            "day": chosen_day,
            "today": calendar.today,
            "slots": slots,
            "no_slots": no_slots_reason(calendar, chosen_day) if slots == [] else None,
            "pets": pets,
        }

    return render(
        request,
        "book.html",
        service_id=service_id,
        vet_id=chosen_vet,
        request_key=uuid.uuid4().hex,
        **await db.run(page()),
    )


def no_slots_reason(calendar: reads.BookingCalendar, day: date) -> str:
    """Why a day offers no free slot: ``past``, ``closed`` (no shift that weekday),
    ``today`` (what is left of today is taken or gone) or ``full`` (every slot taken, or
    the vets away)."""
    if day < calendar.today:
        return "past"
    if not calendar.is_open(day):
        return "closed"
    return "today" if day == calendar.today else "full"


@router.post("/c/{tenant_id}/book")
async def book(
    tenant_id: TenantId,
    db: UserDb,
    service_id: Annotated[uuid.UUID, Form()],
    pet_id: Annotated[uuid.UUID, Form()],
    slot: Annotated[str, Form(max_length=100, pattern=r"^[0-9a-fA-F-]{36}\|.+$")],
    request_key: Annotated[str, Form(max_length=200)],
) -> Response:
    """Book the slot clicked (``vet_id|start``); the key makes a double click book once."""
    vet, _sep, start = slot.partition("|")
    try:
        vet_id, start_time = uuid.UUID(vet), datetime.fromisoformat(start)
    except ValueError as exc:
        raise InvalidInput(f"not a slot: {slot!r}") from exc
    if start_time.tzinfo is None:
        raise InvalidInput(f"not a slot: {slot!r}")
    with counted(db.state.metrics.bookings, "book"):
        booked = await db.run(
            booking.book_work(
                tenant_id=tenant_id,
                pet_id=pet_id,
                service_id=service_id,
                vet_id=vet_id,
                start=start_time,
                idempotency_key=f"{request_key}-{slot}",
            )
        )
    return _see_other(f"/c/{tenant_id}/appointments?booked={booked.appointment_id}")


@router.get("/c/{tenant_id}/appointments")
async def my_appointments(
    tenant_id: TenantId,
    request: Request,
    db: UserDb,
    booked: uuid.UUID | None = None,
    rescheduled: uuid.UUID | None = None,
    cancelled: uuid.UUID | None = None,
) -> Response:
    """The caller's appointments; ``booked``, ``rescheduled`` or ``cancelled`` name the one
    just changed, and the page says what happened to it."""

    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        items = yield from reads.my_appointments_work(tenant_id=tenant_id)
        return {"clinic": clinic, "appointments": items}

    found = await db.run(page())
    done = None
    for what, which in (
        ("booked", booked),
        ("rescheduled", rescheduled),
        ("cancelled_note", cancelled),
    ):
        changed = next((a for a in found["appointments"] if a.id == which), None)
        if changed is not None:
            done = (what, changed)
    return render(request, "appointments.html", done=done, **found)


@router.get("/c/{tenant_id}/appointments/{appointment_id}/reschedule")
async def reschedule_page(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    request: Request,
    db: UserDb,
    day: date | None = None,
) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        found = yield from reads.appointment_work(appointment_id=appointment_id)
        if found is None or found.tenant_id != tenant_id:
            raise NotFound("appointment not found")
        calendar = yield from reads.booking_calendar_work(tenant_id=tenant_id, vet_id=found.vet_id)
        # The appointment's own day, unless another was asked for: moving it is a choice.
        chosen_day = day or found.start_time.astimezone(ZoneInfo(clinic.timezone)).date()
        slots = yield from booking.available_slots_work(
            tenant_id=tenant_id, day=chosen_day, service_id=found.service_id, vet_id=found.vet_id
        )
        return {
            "clinic": clinic,
            "appointment": found,
            "day": chosen_day,
            "today": calendar.today,
            "slots": slots,
            "no_slots": None if slots else no_slots_reason(calendar, chosen_day),
        }

    return render(request, "reschedule.html", **await db.run(page()))


@router.post("/c/{tenant_id}/appointments/{appointment_id}/reschedule")
async def reschedule(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    db: UserDb,
    start_time: Annotated[datetime, Form()],
) -> Response:
    with counted(db.state.metrics.bookings, "reschedule"):
        await db.run(
            booking.reschedule_work(
                appointment_id=appointment_id, new_start=start_time, user_id=db.identity.user_id
            )
        )
    return _see_other(f"/c/{tenant_id}/appointments?rescheduled={appointment_id}")


@router.post("/c/{tenant_id}/appointments/{appointment_id}/cancel")
async def cancel(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    db: UserDb,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    with counted(db.state.metrics.bookings, "cancel"):
        await db.run(booking.cancel_work(appointment_id=appointment_id, reason=reason))
    return _see_other(f"/c/{tenant_id}/appointments?cancelled={appointment_id}")


@router.post("/c/{tenant_id}/appointments/{appointment_id}/status")
async def set_status(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    db: UserDb,
    status: Annotated[booking.Status, Form()],
    day: Annotated[date, Form()],
) -> Response:
    with counted(db.state.metrics.bookings, "status"):
        await db.run(booking.set_status_work(appointment_id=appointment_id, status=status))
    return _see_other(f"/c/{tenant_id}/day?day={day.isoformat()}")


@router.get("/c/{tenant_id}/day")
async def day_view(
    tenant_id: TenantId, request: Request, db: UserDb, day: date | None = None
) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        if not (yield from reads.is_staff_work(tenant_id=tenant_id)):
            raise Forbidden(f"only staff of {clinic.name} see its day", code="FORBIDDEN")
        chosen_day = day or (yield from reads.booking_calendar_work(tenant_id=tenant_id)).today
        items = yield from reads.clinic_day_work(tenant_id=tenant_id, day=chosen_day)
        return {"clinic": clinic, "day": chosen_day, "appointments": items}

    return render(request, "day.html", **await db.run(page()))


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``; every page form refuses a post
    from another site, and the pages' errors are answered as pages."""
    from vete.web import errors, shop, signin

    for pages in (signin.router, router, shop.router):
        app.include_router(pages, dependencies=[Depends(refuse_cross_site)])
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    errors.install(app)
