"""One HTTP call per row of ``tests.security.matrix.ENDPOINTS``, against María's records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CONSULTA, FIRULAIS, MARIA, next_weekday
from tests.security.conftest import World

Op = Callable[[TestClient, dict[str, str], World], Any]
ADRIS = "/api/clinics/adris"


def _book(c: TestClient, h: dict[str, str], w: World, **extra: Any) -> Any:
    body = {
        "pet_id": str(FIRULAIS),
        "service_id": str(CONSULTA),
        "vet_id": "a0000000-0000-4000-8000-000000000002",
        "start_time": w.slot(),
        "reason": "matrix",
    } | extra
    return c.post(f"{ADRIS}/appointments", json=body, headers=h)


def _on_appointment(action: Callable[[TestClient, dict[str, str], World, str], Any]) -> Op:
    """Run ``action`` on a fresh appointment of María's; a refusal must change nothing."""

    def op(c: TestClient, h: dict[str, str], w: World) -> Any:
        appointment = w.appointment()
        before = w.row(appointment)
        response = action(c, h, w, str(appointment))
        if response.status_code >= 400:
            assert w.row(appointment) == before, "a refused request changed the appointment"
        return response

    return op


class Seen:
    """A list answer narrowed to the fresh appointment: ``#1`` seen, ``#0`` not."""

    def __init__(self, response: Any, appointment: str) -> None:
        self.status_code = response.status_code
        self.headers = response.headers
        self.text = response.text
        self._body = response.json()
        if isinstance(self._body, list):
            self._body = [r for r in self._body if str(r.get("id")) == appointment]

    def json(self) -> Any:
        return self._body


def _sees_fresh(action: Callable[[TestClient, dict[str, str], World, str], Any]) -> Op:
    """List after booking a fresh appointment of María's: does the caller see it?"""

    def op(c: TestClient, h: dict[str, str], w: World) -> Any:
        appointment = str(w.appointment())
        return Seen(action(c, h, w, appointment), appointment)

    return op


def _with_line(action: Callable[[TestClient, dict[str, str], World], Any]) -> Op:
    """Put one unit in the caller's cart first (a no-op for callers who may not)."""

    def op(c: TestClient, h: dict[str, str], w: World) -> Any:
        c.post(f"{ADRIS}/cart/items", json={"id": w.product, "type": "product"}, headers=h)
        return action(c, h, w)

    return op


OPS: dict[str, Op] = {
    "GET /api/clinics": lambda c, h, w: c.get("/api/clinics", headers=h),
    "GET /api/clinics/{id}/services": lambda c, h, w: c.get(f"{ADRIS}/services", headers=h),
    "GET /api/clinics/{id}/vets": lambda c, h, w: c.get(f"{ADRIS}/vets", headers=h),
    "GET /api/clinics/{id}/products": lambda c, h, w: c.get(f"{ADRIS}/products", headers=h),
    "GET /api/clinics/{id}/availability": lambda c, h, w: c.get(
        f"{ADRIS}/availability",
        params={"day": str(next_weekday(weekday=1, weeks=12)), "service_id": str(CONSULTA)},
        headers=h,
    ),
    "GET /api/me": lambda c, h, w: c.get("/api/me", headers=h),
    "GET /api/clinics/{id}/pets": lambda c, h, w: c.get(f"{ADRIS}/pets", headers=h),
    "POST /api/clinics/{id}/appointments": _book,
    "POST /api/clinics/{id}/appointments duration_minutes=45": lambda c, h, w: _book(
        c, h, w, duration_minutes=45
    ),
    "POST /api/clinics/{id}/appointments start_time=9999-12-31T23:59-12:00": lambda c, h, w: _book(
        c, h, w, start_time="9999-12-31T23:59:00-12:00"
    ),
    "GET /api/clinics/{id}/appointments/mine": _sees_fresh(
        lambda c, h, w, a: c.get(f"{ADRIS}/appointments/mine", headers=h)
    ),
    "GET /api/clinics/{id}/day": _sees_fresh(
        lambda c, h, w, a: c.get(f"{ADRIS}/day", params={"day": w.day_of(a)}, headers=h)
    ),
    "GET /api/appointments/{id}": _on_appointment(
        lambda c, h, w, a: c.get(f"/api/appointments/{a}", headers=h)
    ),
    "POST /api/appointments/{id}/reschedule": _on_appointment(
        lambda c, h, w, a: c.post(
            f"/api/appointments/{a}/reschedule", json={"new_start_time": w.slot()}, headers=h
        )
    ),
    "POST /api/appointments/{id}/cancel": _on_appointment(
        lambda c, h, w, a: c.post(f"/api/appointments/{a}/cancel", json={"reason": "x"}, headers=h)
    ),
    "POST /api/appointments/{id}/status confirmed": _on_appointment(
        lambda c, h, w, a: c.post(
            f"/api/appointments/{a}/status", json={"status": "confirmed"}, headers=h
        )
    ),
    "GET /api/clinics/{id}/cart": lambda c, h, w: c.get(f"{ADRIS}/cart", headers=h),
    "POST /api/clinics/{id}/cart/items": lambda c, h, w: c.post(
        f"{ADRIS}/cart/items", json={"id": w.product, "type": "product"}, headers=h
    ),
    "PUT /api/clinics/{id}/cart/items/{type}/{item}": lambda c, h, w: c.put(
        f"{ADRIS}/cart/items/product/{w.product}", json={"quantity": 2}, headers=h
    ),
    "DELETE /api/clinics/{id}/cart/items/{type}/{item}": _with_line(
        lambda c, h, w: c.delete(f"{ADRIS}/cart/items/product/{w.product}", headers=h)
    ),
    "POST /api/clinics/{id}/cart/merge": lambda c, h, w: c.post(
        f"{ADRIS}/cart/merge",
        json={"items": [{"id": w.product, "type": "product", "quantity": 1}]},
        headers=h,
    ),
    "POST /api/clinics/{id}/checkout": _with_line(
        lambda c, h, w: c.post(f"{ADRIS}/checkout", headers=h)
    ),
    "GET /health": lambda c, h, w: c.get("/health", headers=h),
    "GET /metrics": lambda c, h, w: c.get("/metrics", headers=h),
}

__all__ = ["MARIA", "OPS"]
