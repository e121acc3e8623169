"""The web pages: clinic → service, vet, day → free slots → book → my appointments
(reschedule, cancel); the staff day view; shop, cart, merge at sign-in, checkout.

Every page runs on the same typed dependencies and one transaction per request as the
API; the identity comes from the demo sign-in's httpOnly cookie instead of a header.
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
    ConnDep,
    CurrentUser,
    MaybeUser,
    StateDep,
    TenantId,
    counted,
    transaction,
)
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
def home(request: Request, user: MaybeUser, conn: ConnDep) -> Response:
    memberships = reads.my_memberships(conn) if user.user_id else []
    return render(request, "home.html", clinics=reads.clinics(conn), memberships=memberships)


@router.get("/login")
def login_page(request: Request, state: StateDep, next: str = "/") -> Response:
    if not state.demo_login:
        raise Forbidden("the demo sign-in is off on this server", code="FORBIDDEN")
    with transaction(state, PLATFORM) as conn:
        users = reads.demo_logins(conn)
    return render(request, "login.html", users=users, next=next if next.startswith("/") else "/")


@router.post("/login")
def login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=320)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Demo sign-in: mint a token for a demo user and merge this device's cart."""
    if not state.demo_login:
        raise Forbidden("the demo sign-in is off on this server", code="FORBIDDEN")
    with transaction(state, PLATFORM) as conn:
        user_id = reads.user_id_by_email(conn, email=email)
    if user_id is None:
        raise NotFound(f"no demo user {email!r}", code="NOT_FOUND")
    token = mint_token(state.secret, user_id=user_id, ttl_s=TOKEN_TTL_S)
    identity = state.verifier.verify(token)
    device = _device_cart(request)
    with transaction(state, identity) as conn:
        member_of = {m.tenant_id for m in reads.my_memberships(conn)}
        for tenant_id, items in device.items():
            if tenant_id in member_of and items:
                with counted(state.metrics.cart_merges):
                    store.merge_cart(conn, tenant_id=tenant_id, customer_id=user_id, items=items)
    response = _see_other(next if next.startswith("/") else "/")
    response.set_cookie(
        SESSION_COOKIE, token, max_age=TOKEN_TTL_S, httponly=True, samesite="lax", path="/"
    )
    response.delete_cookie(DEVICE_CART, path="/")
    return response


@router.post("/logout")
def logout() -> Response:
    response = _see_other("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/c/{tenant_id}")
def clinic_home(tenant_id: TenantId, request: Request, user: MaybeUser, conn: ConnDep) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    staff = bool(user.user_id) and reads.is_staff(conn, tenant_id=tenant_id)
    return render(request, "clinic.html", clinic=clinic, staff=staff)


@router.get("/c/{tenant_id}/book")
def book_page(
    tenant_id: TenantId,
    request: Request,
    user: MaybeUser,
    conn: ConnDep,
    service_id: uuid.UUID | None = None,
    vet_id: Annotated[str | None, Query()] = None,
    day: date | None = None,
) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    services = reads.services(conn, tenant_id=tenant_id)
    vets = reads.vets(conn, tenant_id=tenant_id)
    chosen_vet = uuid.UUID(vet_id) if vet_id else None
    day = day or next_open_day(clinic.timezone)
    slots: list[booking.Slot] | None = None
    if service_id is not None:
        slots = booking.available_slots(
            conn, tenant_id=tenant_id, day=day, service_id=service_id, vet_id=chosen_vet
        )
    pets = reads.my_pets(conn, tenant_id=tenant_id) if user.user_id else []
    return render(
        request,
        "book.html",
        clinic=clinic,
        services=services,
        vets={v.id: v.full_name for v in vets},
        service_id=service_id,
        vet_id=chosen_vet,
        day=day,
        slots=slots,
        pets=pets,
        request_key=uuid.uuid4().hex,
    )


@router.post("/c/{tenant_id}/book")
def book(
    tenant_id: TenantId,
    _: CurrentUser,
    conn: ConnDep,
    state: StateDep,
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
    with counted(state.metrics.bookings, "book"):
        booked = booking.book(
            conn,
            tenant_id=tenant_id,
            pet_id=pet_id,
            service_id=service_id,
            vet_id=vet_id,
            start=start_time,
            idempotency_key=f"{request_key}-{slot}",
        )
    return _see_other(f"/c/{tenant_id}/appointments?booked={booked.appointment_id}")


@router.get("/c/{tenant_id}/appointments")
def my_appointments(
    tenant_id: TenantId,
    request: Request,
    _: CurrentUser,
    conn: ConnDep,
    booked: uuid.UUID | None = None,
) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    items = reads.my_appointments(conn, tenant_id=tenant_id)
    return render(request, "appointments.html", clinic=clinic, appointments=items, booked=booked)


@router.get("/c/{tenant_id}/appointments/{appointment_id}/reschedule")
def reschedule_page(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    request: Request,
    _: CurrentUser,
    conn: ConnDep,
    day: date | None = None,
) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    found = reads.appointment(conn, appointment_id=appointment_id)
    if found is None or found.tenant_id != tenant_id:
        raise NotFound("appointment not found")
    day = day or next_open_day(clinic.timezone)
    slots = booking.available_slots(
        conn, tenant_id=tenant_id, day=day, service_id=found.service_id, vet_id=found.vet_id
    )
    return render(
        request, "reschedule.html", clinic=clinic, appointment=found, day=day, slots=slots
    )


@router.post("/c/{tenant_id}/appointments/{appointment_id}/reschedule")
def reschedule(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    user: CurrentUser,
    conn: ConnDep,
    state: StateDep,
    start_time: Annotated[datetime, Form()],
) -> Response:
    with counted(state.metrics.bookings, "reschedule"):
        booking.reschedule(
            conn, appointment_id=appointment_id, new_start=start_time, user_id=user.user_id
        )
    return _see_other(f"/c/{tenant_id}/appointments")


@router.post("/c/{tenant_id}/appointments/{appointment_id}/cancel")
def cancel(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    _: CurrentUser,
    conn: ConnDep,
    state: StateDep,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    with counted(state.metrics.bookings, "cancel"):
        booking.cancel(conn, appointment_id=appointment_id, reason=reason)
    return _see_other(f"/c/{tenant_id}/appointments")


@router.post("/c/{tenant_id}/appointments/{appointment_id}/status")
def set_status(
    tenant_id: TenantId,
    appointment_id: uuid.UUID,
    _: CurrentUser,
    conn: ConnDep,
    state: StateDep,
    status: Annotated[booking.Status, Form()],
    day: Annotated[date, Form()],
) -> Response:
    with counted(state.metrics.bookings, "status"):
        booking.set_status(conn, appointment_id=appointment_id, status=status)
    return _see_other(f"/c/{tenant_id}/day?day={day.isoformat()}")


@router.get("/c/{tenant_id}/day")
def day_view(
    tenant_id: TenantId, request: Request, _: CurrentUser, conn: ConnDep, day: date | None = None
) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    if not reads.is_staff(conn, tenant_id=tenant_id):
        raise Forbidden(f"only staff of {clinic.name} see its day", code="FORBIDDEN")
    day = day or next_open_day(clinic.timezone)
    items = reads.clinic_day(conn, tenant_id=tenant_id, day=day)
    return render(request, "day.html", clinic=clinic, day=day, appointments=items)


def mount(app: FastAPI) -> None:
    """Add the pages and their static files to ``app``."""
    from vete.web import shop

    app.include_router(router)
    app.include_router(shop.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
