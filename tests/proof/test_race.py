"""vete race: vete's functions hold under concurrency, the naive ones do not, and the
command leaves nothing behind."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from typer.testing import CliRunner

from tests.proof.conftest import json_of, vete
from vete.cli.app import app
from vete.errors import InvalidInput
from vete.proof import race as racing
from vete.proof.race import RaceReport, ScenarioResult, run_race

CLIENTS = 8
ROUNDS = 5


def leftovers(url: str) -> dict[str, Any]:
    """Race clinics and naive schemas still in the database (independent of the command)."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM tenants WHERE id LIKE 'race-%%') AS clinics,"
            " (SELECT count(*) FROM profiles WHERE tenant_id LIKE 'race-%%') AS profiles,"
            " (SELECT count(*) FROM appointments WHERE tenant_id LIKE 'race-%%') AS appointments,"
            " (SELECT count(*) FROM appointment_events WHERE tenant_id LIKE 'race-%%') AS events,"
            " (SELECT count(*) FROM store_carts WHERE tenant_id LIKE 'race-%%') AS carts,"
            " (SELECT count(*) FROM store_orders WHERE tenant_id LIKE 'race-%%') AS orders,"
            " (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'vete_naive_%%') AS schemas"
        ).fetchone()
    assert row is not None
    return row


def test_compare_naive_shows_violations_for_naive_and_none_for_vete(database_url: str) -> None:
    result = vete(
        "race",
        "--clients",
        str(CLIENTS),
        "--rounds",
        str(ROUNDS),
        "--compare",
        "naive",
        "--json",
        url=database_url,
    )
    assert result.returncode == 0, result.stderr
    report = json_of(result)
    by_name = {s["name"]: s for s in report["scenarios"]}
    assert report["ok"] is True
    vete_side = [s for s in report["scenarios"] if s["implementation"] == "vete"]
    assert {s["name"] for s in vete_side} == set(racing.SCENARIOS)
    for s in vete_side:
        assert set(s) >= {"name", "attempts", "successes", "violations", "outcomes"}
        assert s["attempts"] == CLIENTS * ROUNDS, s
        assert s["violations"] == 0, s
        assert not [k for k in s["outcomes"] if k.startswith("raised")], s
        assert s["p99_ms"] >= s["p50_ms"] > 0
    # Exactly one booking wins each round; every loser is told SLOT_UNAVAILABLE.
    for name in ("same-slot", "overlapping-ranges", "reschedule-vs-book", "reschedules-one-slot"):
        assert by_name[name]["outcomes"] == {
            "success": ROUNDS,
            "SLOT_UNAVAILABLE": (CLIENTS - 1) * ROUNDS,
        }, by_name[name]
    assert by_name["cart-merge-new"]["successes"] == CLIENTS * ROUNDS
    stock = CLIENTS // 4
    assert by_name["last-units-checkout"]["outcomes"] == {
        "success": stock * ROUNDS,
        "OUT_OF_STOCK": (CLIENTS - stock) * ROUNDS,
    }
    # The naive implementation double-books and loses first-merge items, answering success.
    assert by_name["naive/same-slot"]["violations"] > 0, by_name["naive/same-slot"]
    assert by_name["naive/overlapping-ranges"]["violations"] > 0
    assert by_name["naive/cart-merge-new"]["violations"] > 0
    assert by_name["naive/cart-merge-new"]["successes"] == CLIENTS * ROUNDS
    assert all(v == 0 for v in leftovers(database_url).values())


def test_race_refuses_a_database_without_vetes_schema(database_factory: Any) -> None:
    result = vete("race", "--rounds", "1", url=database_factory(empty=True))
    assert result.returncode == 6
    assert "vete's schema is not deployed" in result.stderr


def test_an_interrupted_race_still_removes_its_clinic_and_schema(database_url: str) -> None:
    def interrupt(label: str, done: int) -> None:
        if label.startswith("naive/"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_race(
            database_url,
            clients=4,
            rounds=2,
            scenarios=["same-slot", "cart-merge-new"],
            compare_naive=True,
            progress=interrupt,
        )
    assert all(v == 0 for v in leftovers(database_url).values())


def test_unknown_scenario_and_bad_sizes_are_refused(database_url: str) -> None:
    with pytest.raises(InvalidInput, match="unknown scenario nope"):
        run_race(database_url, clients=4, rounds=1, scenarios=["nope"])
    with pytest.raises(InvalidInput, match="between 2 and 64"):
        run_race(database_url, clients=1, rounds=1)


def test_a_violation_makes_the_exit_code_20(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = ScenarioResult(
        name="same-slot",
        implementation="vete",
        attempts=2,
        successes=2,
        violations=1,
        outcomes={"success": 2},
        p50_ms=1.0,
        p99_ms=1.0,
    )
    monkeypatch.setattr(racing, "run_race", lambda *a, **k: RaceReport("race-x", 2, 1, (broken,)))
    monkeypatch.setattr("vete.cli.proof.resolve_database_url", lambda: "postgresql://unused")
    result = CliRunner().invoke(app, ["race", "--json"])
    assert result.exit_code == 20
    assert '"ok": false' in result.output
