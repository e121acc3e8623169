"""vete db monitor: quiet on a sound database, and it finds each invariant broken by force."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.clock import MONDAY, weekday_ahead
from tests.proof.conftest import json_of, vete
from vete.errors import InvalidInput
from vete.proof.monitor import monitor, parse_duration
from vete.proof.scenarios import VeteBooking
from vete.proof.world import RaceClinic

T0 = datetime.combine(weekday_ahead(UTC, MONDAY, weeks=8), time(10), tzinfo=UTC)


def checks_of(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert len(report["runs"]) == 1
    return {c["name"]: c for c in report["runs"][0]["checks"]}


def test_a_sound_database_passes_every_check(database_url: str) -> None:
    result = vete("db", "monitor", "--json", url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    checks = checks_of(json_of(result))
    assert set(checks) == {
        "overlapping_appointments",
        "duplicate_cart_lines",
        "negative_stock",
        "deployed_functions",
    }
    assert all(c["ok"] and c["count"] == 0 for c in checks.values()), checks


@pytest.fixture(scope="module")
def broken(database_factory: Callable[..., str]) -> tuple[str, dict[str, Any]]:
    """A database of its own with the overlap constraint dropped and overlaps forced in,
    a cart with a line twice, stock below zero, and a deployed function dropped."""
    url = database_factory()
    tenant, vet, owner = "broken", uuid.uuid4(), uuid.uuid4()
    with psycopg.connect(url, row_factory=dict_row) as conn:
        conn.execute("ALTER TABLE appointments DROP CONSTRAINT appointments_no_overlap")
        conn.execute(
            "ALTER TABLE store_inventory DROP CONSTRAINT store_inventory_stock_quantity_check"
        )
        conn.execute("INSERT INTO tenants (id, name) VALUES (%s, 'Broken')", [tenant])
        conn.execute(
            "INSERT INTO profiles (tenant_id, id, role, full_name) VALUES"
            " (%s, %s, 'vet', 'V'), (%s, %s, 'owner', 'O')",
            [tenant, vet, tenant, owner],
        )
        pet = conn.execute(
            "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, 'P') RETURNING id",
            [tenant, owner],
        ).fetchone()["id"]  # type: ignore[index]
        service = conn.execute(
            "INSERT INTO services (tenant_id, name) VALUES (%s, 'S') RETURNING id", [tenant]
        ).fetchone()["id"]  # type: ignore[index]
        # (start offset minutes, duration, buffer, status)
        rows = [
            (0, 30, 0, "scheduled"),  # A
            (15, 30, 0, "confirmed"),  # B overlaps A
            (10, 30, 0, "cancelled"),  # cancelled: holds no time
            (45, 30, 0, "scheduled"),  # C: touches B's end (45) exactly: no overlap
            (120, 30, 20, "scheduled"),  # D: blocked until 170
            (165, 30, 0, "scheduled"),  # E: inside D's buffer: overlaps D
        ]
        for offset, minutes, buffer, status in rows:
            start = T0 + timedelta(minutes=offset)
            conn.execute(
                "INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
                " end_time, duration_minutes, buffer_minutes, status)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    tenant,
                    pet,
                    service,
                    vet,
                    start,
                    start + timedelta(minutes=minutes),
                    minutes,
                    buffer,
                    status,
                ],
            )
        product = conn.execute(
            "INSERT INTO store_products (tenant_id, sku, name, price) VALUES (%s, 'X1', 'X', 10)"
            " RETURNING id",
            [tenant],
        ).fetchone()["id"]  # type: ignore[index]
        conn.execute(
            "INSERT INTO store_inventory (tenant_id, product_id, stock_quantity)"
            " VALUES (%s, %s, -2)",
            [tenant, product],
        )
        line = {"id": str(product), "type": "product", "name": "X", "price": 10, "quantity": 1}
        # The same product again, spelled in capitals with braces: one uuid, so a duplicate.
        respelled = {**line, "id": "{" + str(product).upper() + "}"}
        conn.execute(
            "INSERT INTO store_carts (tenant_id, customer_id, items) VALUES (%s, %s, %s)",
            [tenant, owner, json.dumps([line, respelled])],
        )
        conn.execute("DROP FUNCTION public.clear_cart(text, uuid)")
        conn.commit()
    return url, {"tenant": tenant, "vet": vet}


def test_monitor_finds_an_overlap_forced_past_a_dropped_constraint(
    broken: tuple[str, dict[str, Any]],
) -> None:
    url, _ = broken
    result = vete("db", "monitor", "--json", url=url)
    assert result.returncode == 21, result.stdout + result.stderr
    report = json_of(result)
    assert report["ok"] is False
    overlaps = checks_of(report)["overlapping_appointments"]
    # A-B and D-E (the buffer); not the cancelled one, not C that only touches B.
    assert overlaps["ok"] is False
    assert overlaps["count"] == 2, overlaps


def test_monitor_finds_duplicate_lines_negative_stock_and_a_missing_function(
    broken: tuple[str, dict[str, Any]],
) -> None:
    url, _ = broken
    checks = checks_of(json_of(vete("db", "monitor", "--json", url=url)))
    assert checks["duplicate_cart_lines"]["count"] == 1
    assert checks["negative_stock"]["count"] == 1
    assert checks["negative_stock"]["details"][0]["stock_quantity"] == -2
    functions = checks["deployed_functions"]
    assert functions["ok"] is False
    assert {"missing": "clear_cart"} in functions["details"]
    assert any("clear_cart" in d.get("failed", "") for d in functions["details"])


def test_text_output_names_the_failed_check(broken: tuple[str, dict[str, Any]]) -> None:
    result = vete("db", "monitor", url=broken[0])
    assert result.returncode == 21
    assert "overlapping_appointments" in result.stdout
    assert "2 found" in result.stdout


def test_races_independent_overlap_count_sees_the_forced_overlaps(
    broken: tuple[str, dict[str, Any]],
) -> None:
    url, ids = broken
    clinic = RaceClinic(ids["tenant"], {}, (), {}, {}, (), uuid.uuid4())
    with psycopg.connect(url, row_factory=dict_row) as conn:
        pairs = VeteBooking(clinic).overlapping_pairs(
            conn, ids["vet"], T0 - timedelta(hours=1), T0 + timedelta(days=1)
        )
    assert pairs == 2


def test_a_window_checks_repeatedly(database_url: str) -> None:
    seen: list[Any] = []
    report = monitor(database_url, window_s=0.4, interval_s=0.2, on_run=seen.append)
    assert report.ok
    assert len(report.runs) == len(seen) == 3


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("5m", 300), ("1h", 3600), ("250ms", 0.25), ("2", 2)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_a_bad_duration_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not a duration"):
        parse_duration("soon")
