"""The web pages: clinic → service, vet, day → free slots → book → my appointments
(reschedule, cancel); the staff day view; shop, cart, merge at sign-in, checkout.

Every page runs on the same typed dependencies and one transaction per request as the
API (each page's reads are one unit of work, :mod:`vete.db.work`); the identity comes from
the demo sign-in's httpOnly cookie instead of a header.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from vete import booking, store
from vete.api import reads
from vete.api.auth import Identity, mint_token
from vete.api.deps import (
    SESSION_COOKIE,
    AppState,
    Db,
    PublicDb,
    StateDep,
    TenantId,
    UserDb,
    counted,
)
from vete.db.work import Work
from vete.errors import Forbidden, InvalidInput, NotFound
from vete.web.render import HERE, next_open_day, render

router = APIRouter(include_in_schema=False)
DEVICE_CART = "vete_device_cart"
TOKEN_TTL_S = 8 * 3600
#: The demo sign-in reads the demo users and looks one up by email as the platform.
PLATFORM = Identity(user_id=None, role="service_role", claims={})


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _device_cart(request: Request) -> dict[str, list[dict[str, Any]]]:
    """Items an anonymous visitor put in the cart on this device, by clinic."""
    try:
        data = json.loads(request.cookies.get(DEVICE_CART) or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


@router.get("/")
async def home(request: Request, db: PublicDb) -> Response:
    def page() -> Work[dict[str, Any]]:
        signed_in = db.identity.user_id is not None
        return {
            "clinics": (yield from reads.clinics_work()),
            "memberships": (yield from reads.my_memberships_work()) if signed_in else [],
        }

    return render(request, "home.html", **await db.run(page()))


def _demo_login_on(state: AppState) -> None:
    if not state.demo_login:
        raise Forbidden("the demo sign-in is off on this server", code="FORBIDDEN")


@router.get("/login")
async def login_page(request: Request, state: StateDep, next: str = "/") -> Response:
    _demo_login_on(state)
    users = await Db(state, PLATFORM).run(reads.demo_logins_work())
    return render(request, "login.html", users=users, next=next if next.startswith("/") else "/")


@router.post("/login")
async def login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=320)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Demo sign-in: mint a token for a demo user and merge this device's cart."""
    _demo_login_on(state)
    user_id = await Db(state, PLATFORM).run(reads.user_id_by_email_work(email=email))
    if user_id is None:
        raise NotFound(f"no demo user {email!r}", code="NOT_FOUND")
    token = mint_token(state.secret, user_id=user_id, ttl_s=TOKEN_TTL_S)
    device = _device_cart(request)

    def merge_device_cart() -> Work[None]:
        member_of = {m.tenant_id for m in (yield from reads.my_memberships_work())}
        for tenant_id, items in device.items():
            if tenant_id in member_of and items:
                with counted(state.metrics.cart_merges):
                    yield from store.merge_cart_work(
                        tenant_id=tenant_id, customer_id=user_id, items=items
                    )

    await Db(state, state.verifier.verify(token)).run(merge_device_cart())
    response = _see_other(next if next.startswith("/") else "/")
    response.set_cookie(
        SESSION_COOKIE, token, max_age=TOKEN_TTL_S, httponly=True, samesite="lax", path="/"
    )
    response.delete_cookie(DEVICE_CART, path="/")
    return response


@router.post("/logout")
async def logout() -> Response:
    response = _see_other("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


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
    vet_id: Annotated[str | None, Query()] = None,
    day: date | None = None,
) -> Response:
    chosen_vet = uuid.UUID(vet_id) if vet_id else None

    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        services = yield from reads.services_work(tenant_id=tenant_id)
        vets = yield from reads.vets_work(tenant_id=tenant_id)
        chosen_day = day or next_open_day(clinic.timezone)
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
            "slots": slots,
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
    tenant_id: TenantId, request: Request, db: UserDb, booked: uuid.UUID | None = None
) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        items = yield from reads.my_appointments_work(tenant_id=tenant_id)
        return {"clinic": clinic, "appointments": items}

    return render(request, "appointments.html", booked=booked, **await db.run(page()))


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
        chosen_day = day or next_open_day(clinic.timezone)
        slots = yield from booking.available_slots_work(
            tenant_id=tenant_id, day=chosen_day, service_id=found.service_id, vet_id=found.vet_id
        )
        return {"clinic": clinic, "appointment": found, "day": chosen_day, "slots": slots}

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
    return _see_other(f"/c/{tenant_id}/appointments")


@router.post("/c/{tenant_id}/appointments/{appointment_id}/cancel")
async def cancel(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    db: UserDb,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    with counted(db.state.metrics.bookings, "cancel"):
        await db.run(booking.cancel_work(appointment_id=appointment_id, reason=reason))
    return _see_other(f"/c/{tenant_id}/appointments")


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
        chosen_day = day or next_open_day(clinic.timezone)
        items = yield from reads.clinic_day_work(tenant_id=tenant_id, day=chosen_day)
        return {"clinic": clinic, "day": chosen_day, "appointments": items}

    return render(request, "day.html", **await db.run(page()))


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    from vete.web import shop

    app.include_router(router)
    app.include_router(shop.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
