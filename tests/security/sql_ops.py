"""One SQL function call per row of ``tests.security.matrix.SQL_FUNCTIONS``, as each caller.

Arguments are hostile where the function takes an identity: the cart functions are asked
for María's cart (``p_customer_id``), booking claims ``p_booked_by`` = María, reschedule
claims ``p_user_id`` = María and ``p_is_staff`` = true. The session decides, not these.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import psycopg

from tests.api.conftest import CARLOS, CONSULTA, FIRULAIS, MARIA
from tests.security.conftest import World
from tests.security.matrix import Actor
from vete import booking, store
from vete.errors import VeteError
from vete.session import act_as

Call = Callable[[psycopg.Connection[Any], World, UUID | None], Any]


def _item(w: World) -> dict[str, Any]:
    return {"id": w.product, "type": "product", "quantity": 1}


def _book(conn: psycopg.Connection[Any], w: World, booked_by: UUID | None, **extra: Any) -> Any:
    return booking.book(
        conn,
        tenant_id="adris",
        pet_id=FIRULAIS,
        service_id=CONSULTA,
        vet_id=CARLOS,
        start=datetime.fromisoformat(w.slot()),
        booked_by=booked_by,
        **extra,
    )


MARIAS_KEY = "maria-used-this-key"
_marias_key_used: set[str] = set()


def _with_marias_key(conn: psycopg.Connection[Any], w: World) -> Any:
    """Book a fresh slot with a key María already used for another booking of hers."""
    if w.url not in _marias_key_used:
        with psycopg.connect(w.url) as marias:
            act_as(marias, user_id=MARIA, role="authenticated")
            _book(marias, w, None, idempotency_key=MARIAS_KEY)
        _marias_key_used.add(w.url)
    return _book(conn, w, None, idempotency_key=MARIAS_KEY)


#: name → (call, needs a fresh appointment of María's)
CALLS: dict[str, tuple[Callable[..., Any], bool]] = {
    "book_appointment_atomic": (lambda c, w, a: _book(c, w, None), False),
    "book_appointment_atomic(p_booked_by=María)": (lambda c, w, a: _book(c, w, MARIA), False),
    "book_appointment_atomic(p_duration_minutes=45)": (
        lambda c, w, a: _book(c, w, None, duration_minutes=45),
        False,
    ),
    "book_appointment_atomic(p_idempotency_key=María's)": (
        lambda c, w, a: _with_marias_key(c, w),
        False,
    ),
    "reschedule_appointment_atomic(p_user_id=María, p_is_staff)": (
        lambda c, w, a: booking.reschedule(
            c,
            appointment_id=a,
            new_start=datetime.fromisoformat(w.slot()),
            user_id=MARIA,
            is_staff=True,
        ),
        True,
    ),
    "cancel_appointment": (
        lambda c, w, a: booking.cancel(c, appointment_id=a, reason="matrix"),
        True,
    ),
    "set_appointment_status(confirmed)": (
        lambda c, w, a: booking.set_status(c, appointment_id=a, status="confirmed"),
        True,
    ),
    "get_available_slots": (
        lambda c, w, a: booking.available_slots(
            c, tenant_id="adris", day=date.fromisoformat(w.slot()[:10]), service_id=CONSULTA
        ),
        False,
    ),
    "get_cart(p_customer_id=María)": (
        lambda c, w, a: store.get_cart(c, tenant_id="adris", customer_id=MARIA),
        False,
    ),
    "add_cart_item(p_customer_id=María)": (
        lambda c, w, a: store.add_item(c, tenant_id="adris", item=_item(w), customer_id=MARIA),
        False,
    ),
    "set_cart_item_quantity(p_customer_id=María)": (
        lambda c, w, a: store.set_quantity(
            c,
            tenant_id="adris",
            item_id=w.product,
            item_type="product",
            quantity=3,
            customer_id=MARIA,
        ),
        False,
    ),
    "remove_cart_item(p_customer_id=María)": (
        lambda c, w, a: store.remove_item(
            c, tenant_id="adris", item_id=w.product, item_type="product", customer_id=MARIA
        ),
        False,
    ),
    "clear_cart(p_customer_id=María)": (
        lambda c, w, a: store.clear_cart(c, tenant_id="adris", customer_id=MARIA),
        False,
    ),
    "merge_cart_atomic(p_customer_id=María)": (
        lambda c, w, a: store.merge_cart(
            c, tenant_id="adris", customer_id=MARIA, items=[_item(w)], policy="sum"
        ),
        False,
    ),
    "checkout_cart(p_customer_id=María)": (
        lambda c, w, a: store.checkout(
            c, tenant_id="adris", idempotency_key=uuid.uuid4().hex, customer_id=MARIA
        ),
        False,
    ),
}


def _fill_marias_cart(w: World) -> None:
    with psycopg.connect(w.url) as conn:
        act_as(conn, user_id=MARIA, role="authenticated")
        store.add_item(conn, tenant_id="adris", item=_item(w))


def _cart_rows(w: World) -> Any:
    with psycopg.connect(w.url) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM store_orders), (SELECT items::text FROM store_carts"
            " WHERE tenant_id = 'adris' AND customer_id = %s)",
            [MARIA],
        ).fetchone()


def run(name: str, actor: Actor, w: World) -> str:
    """Call ``name`` as ``actor``; ``ok``, the business code, or ``denied``."""
    call, needs_appointment = CALLS[name]
    appointment = w.appointment() if needs_appointment else None
    before = w.row(appointment) if appointment else None
    _fill_marias_cart(w)
    cart_before = _cart_rows(w)
    with psycopg.connect(w.url) as conn:
        try:
            with conn.transaction():
                act_as(conn, user_id=actor.user_id, role=actor.role)  # type: ignore[arg-type]
                call(conn, w, appointment)
        except psycopg.errors.InsufficientPrivilege:
            result = "denied"
        except VeteError as exc:
            result = exc.code
        else:
            return "ok"
    if appointment is not None:
        assert w.row(appointment) == before, f"{name} refused but changed the appointment"
    assert _cart_rows(w) == cart_before, f"{name} refused but changed María's cart or orders"
    return result
