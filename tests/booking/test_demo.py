"""vete demo: two clinics in two time zones, loadable again without change, bookable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import dict_row

from tests import clock
from tests.booking.world import as_user
from vete import booking
from vete.demo import DEMO_USERS, load_demo


def test_demo_loads_twice_to_the_same_state(database_url: str) -> None:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        first = load_demo(conn)
        second = load_demo(conn)
        zones = conn.execute("SELECT id, timezone FROM tenants ORDER BY id").fetchall()
    assert first == second
    assert first.clinics == 2
    assert first.profiles == sum(len(m) for m in DEMO_USERS.values())
    assert first.products > 0
    assert zones == [
        {"id": "adris", "timezone": "America/Asuncion"},
        {"id": "retiro", "timezone": "Europe/Madrid"},
    ]


def test_vete_demo_command_reports_json(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vete", "demo", "--json"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["loaded"]["clinics"] == 2
    assert "ana@demo.vete" in report["users"]


def test_a_demo_owner_books_a_free_demo_slot(conn: psycopg.Connection[Any]) -> None:
    load_demo(conn)
    maria = UUID("a0000000-0000-4000-8000-000000000004")
    consult = UUID("e0000000-0000-4000-8000-000000000001")
    monday = clock.weekday_ahead(ZoneInfo("America/Asuncion"), clock.MONDAY, weeks=1)
    slots = booking.available_slots(conn, tenant_id="adris", day=monday, service_id=consult)
    conn.commit()
    assert slots, "a weekday at Adris has free slots"
    booked = as_user(
        conn,
        maria,
        lambda: booking.book(
            conn,
            tenant_id="adris",
            pet_id=UUID("c0000000-0000-4000-8000-000000000001"),
            service_id=consult,
            vet_id=slots[0].vet_id,
            start=slots[0].start,
        ),
    )
    assert booked.start_time == slots[0].start
