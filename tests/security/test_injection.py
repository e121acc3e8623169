"""SQL-injection strings in every text field and header: clean 4xx, no 5xx, nothing written."""

from __future__ import annotations

import psycopg
import pytest

from tests.api.conftest import CARLOS, CONSULTA, FIRULAIS, MARIA, local, next_weekday
from tests.security.conftest import SECRET, World
from vete.api import mint_token

HOSTILE = (
    "'; DROP TABLE appointments; --",
    "' OR '1'='1",
    "adris' OR tenant_id <> '",
    "\\x00 %00 nul",
    "); SELECT pg_sleep(5); --",
    "$$; DELETE FROM store_orders; $$",
    "\U0001d567\U0001d556\U0001d565\U0001d556 " * 30,  # astral-plane text
)
COUNTS = (
    "SELECT (SELECT count(*) FROM appointments), (SELECT count(*) FROM store_orders),"
    " (SELECT coalesce(sum(jsonb_array_length(items)), 0) FROM store_carts),"
    " (SELECT count(*) FROM tenants)"
)


def ascii_(text: str) -> str:
    """Headers carry ASCII only (the client refuses anything else)."""
    return text.encode("ascii", "replace").decode()


def counts(url: str) -> tuple[object, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(COUNTS).fetchone()
    assert row is not None
    return tuple(row)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_everywhere(client, world: World, text: str) -> None:  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {mint_token(SECRET, user_id=MARIA)}"}
    before = counts(world.url)
    day = next_weekday(weeks=30)
    answers = [
        client.post(
            "/api/clinics/adris/appointments",
            json={
                "pet_id": str(FIRULAIS),
                "service_id": text,
                "vet_id": str(CARLOS),
                "start_time": local(day, 9),
            },
            headers=h,
        ),
        client.post(
            f"/api/clinics/{text}/appointments",
            json={
                "pet_id": str(FIRULAIS),
                "service_id": str(CONSULTA),
                "vet_id": str(CARLOS),
                "start_time": local(day, 10),
            },
            headers=h,
        ),
        client.post(
            "/api/clinics/adris/cart/items", json={"id": text, "type": "product"}, headers=h
        ),
        client.post(
            "/api/clinics/adris/cart/items", json={"id": world.product, "type": text}, headers=h
        ),
        client.put(
            f"/api/clinics/adris/cart/items/product/{text}", json={"quantity": 1}, headers=h
        ),
        client.delete(f"/api/clinics/adris/cart/items/service/{text}", headers=h),
        client.post(
            "/api/clinics/adris/cart/merge",
            json={"items": [{"id": text, "type": "product", "quantity": 1}], "policy": "sum"},
            headers=h,
        ),
        client.post(
            "/api/clinics/adris/checkout", headers={**h, "Idempotency-Key": ascii_(text)[:200]}
        ),
        client.get("/api/clinics/adris/day", params={"day": text}, headers=h),
        client.get(f"/api/appointments/{text}", headers=h),
        client.get("/api/me", headers={"Authorization": f"Bearer {ascii_(text)}"}),
        client.get("/api/clinics", headers={"X-Request-ID": ascii_(text)[:100]}),
    ]
    for r in answers:
        assert r.status_code < 500, (r.request.url, r.text)
        assert "Traceback" not in r.text
    assert counts(world.url) == before
