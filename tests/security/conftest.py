"""Security fixtures: the demo world, the app on it, and a fresh record of María's per case."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CARLOS, CONSULTA, FIRULAIS, MARIA, local, next_weekday
from tests.security.matrix import Actor
from vete import booking
from vete.api import Verifier, mint_token
from vete.app import create_app
from vete.db import connect
from vete.demo import load_demo
from vete.session import act_as

SECRET = "security-test-secret-0123456789-abcdef"
METRICS_TOKEN = "security-test-metrics-token-0123456789"
HOURS = (8, 9, 10, 11, 13, 14, 15, 16)


@dataclass
class World:
    """The demo database plus a supply of free slots and fresh appointments of María's."""

    url: str
    product: str
    withdrawn: str
    slots: Iterator[str]

    def slot(self) -> str:
        """A free clinic-local start at adris (Carlos's hours), never handed out twice."""
        return next(self.slots)

    def appointment(self) -> UUID:
        """A new scheduled appointment of María's pet Firulais with Carlos."""
        from datetime import datetime

        with psycopg.connect(self.url) as conn:
            act_as(conn, user_id=MARIA, role="authenticated")
            made = booking.book(
                conn,
                tenant_id="adris",
                pet_id=FIRULAIS,
                service_id=CONSULTA,
                vet_id=CARLOS,
                start=datetime.fromisoformat(self.slot()),
            )
        return made.appointment_id

    def day_of(self, appointment_id: UUID) -> str:
        """The clinic-local date of an appointment."""
        with psycopg.connect(self.url) as conn:
            row = conn.execute(
                "SELECT (a.start_time AT TIME ZONE t.timezone)::date::text FROM appointments a"
                " JOIN tenants t ON t.id = a.tenant_id WHERE a.id = %s",
                [appointment_id],
            ).fetchone()
        assert row is not None
        return str(row[0])

    def row(self, appointment_id: UUID) -> tuple[Any, ...] | None:
        """The appointment's status and times, read as the superuser (independent of RLS)."""
        with psycopg.connect(self.url) as conn:
            return conn.execute(
                "SELECT status, start_time, end_time FROM appointments WHERE id = %s",
                [appointment_id],
            ).fetchone()


def _slots() -> Iterator[str]:
    for weeks in itertools.count(1):
        for weekday in (1, 2, 3, 4, 5):
            day = next_weekday(weekday=weekday, weeks=weeks)
            for hour in HOURS:
                yield local(day, hour)


@pytest.fixture(scope="module")
def world(database_url: str) -> World:
    with connect(database_url) as conn:
        load_demo(conn)
        conn.execute(
            "UPDATE store_inventory SET stock_quantity = 1000000 WHERE tenant_id = 'adris'"
        )
        row = conn.execute(
            "SELECT id::text AS id FROM store_products"
            " WHERE tenant_id = 'adris' ORDER BY sku LIMIT 1"
        ).fetchone()
        withdrawn = conn.execute(
            "WITH p AS (INSERT INTO store_products (tenant_id, sku, name, price, is_active)"
            "           VALUES ('adris', 'MATRIX-WITHDRAWN', 'Withdrawn', 1000, false)"
            "           RETURNING tenant_id, id)"
            " INSERT INTO store_inventory (tenant_id, product_id, stock_quantity)"
            " SELECT tenant_id, id, 4 FROM p RETURNING product_id::text AS id"
        ).fetchone()
        conn.commit()
    assert row is not None
    assert withdrawn is not None
    return World(
        url=database_url,
        product=str(row["id"]),
        withdrawn=str(withdrawn["id"]),
        slots=_slots(),
    )


@pytest.fixture(scope="module")
def client(world: World) -> Iterator[TestClient]:
    app = create_app(
        world.url,
        verifier=Verifier(secret=SECRET),
        secret=SECRET,
        pool_size=4,
        metrics_token=METRICS_TOKEN,
    )
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def headers_for() -> Callable[[Actor], dict[str, str]]:
    def make(actor: Actor) -> dict[str, str]:
        if actor.user_id is None:
            return {}
        token = mint_token(SECRET, user_id=actor.user_id, role=actor.role)  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {token}"}

    return make
