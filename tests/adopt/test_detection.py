"""Adopt recognises what it is given: it stops on conflicting rows and refuses strangers."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.adopt.conftest import (
    data_checksums,
    function_definitions,
    original_columns,
    rows,
    run_adopt,
)
from tests.cli_runner import run_vete
from tests.deploy.conftest import schema_fingerprint
from vete.deploy.source import vete_source
from vete.errors import AdoptConflicts, AdoptRefused

DOUBLE_BOOKED = ("d0000000-0000-4000-8000-000000000001", "d0000000-0000-4000-8000-000000000002")


def vete(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_vete(*args, url=url)


def test_overlapping_pair_is_reported_before_anything_changes(original_url: str) -> None:
    columns = original_columns(original_url)
    schema, data = schema_fingerprint(original_url), data_checksums(original_url, columns)
    with pytest.raises(AdoptConflicts) as caught:
        run_adopt(original_url)
    message = str(caught.value)
    line = next(x for x in message.splitlines() if DOUBLE_BOOKED[0] in x)
    assert DOUBLE_BOOKED[1] in line
    assert "Dra. Ana Benítez" in line
    assert "13:00-13:30 UTC" in line
    assert "f0000000-0000-4000-8000-000000000010" in message  # the cart with a repeated line
    assert schema_fingerprint(original_url) == schema
    assert data_checksums(original_url, columns) == data
    assert rows(original_url, "SELECT to_regclass('vete.schema_migrations') AS t")[0]["t"] is None


def test_cli_reports_conflicts_as_json_with_exit_code_19(original_url: str) -> None:
    result = vete(original_url, "db", "adopt", "--json", "--no-backup")
    assert result.returncode == 19, result.stderr
    payload = json.loads(result.stdout)
    assert payload["error"] == "ADOPT_CONFLICTS"
    assert all(a in payload["message"] for a in DOUBLE_BOOKED)


def test_a_database_that_is_not_the_original_is_refused(
    database_factory: Callable[..., str],
) -> None:
    url = database_factory(empty=True)
    rows(url, "CREATE TABLE public.invoices (id int PRIMARY KEY)")
    with pytest.raises(AdoptRefused, match="neither empty nor the original") as caught:
        run_adopt(url)
    assert "table public.appointments is missing" in str(caught.value)
    assert "It has: found 0 of the original's 8 tables, 1 other table(s) in public (invoices)" in (
        str(caught.value)
    )
    assert rows(url, "SELECT to_regclass('vete.schema_migrations') AS t")[0]["t"] is None


def test_the_original_without_its_functions_is_refused_naming_them(
    original_url: str,
) -> None:
    rows(original_url, "DROP FUNCTION public.merge_cart_atomic(uuid, text, jsonb)")
    with pytest.raises(AdoptRefused, match=r"function public\.merge_cart_atomic is missing"):
        run_adopt(original_url)


def test_only_the_columns_vete_reads_are_required(original_url: str) -> None:
    """The original has no store_products.price (base_price, sale_price): it is recognised.
    Without a column vete does read, it is refused, naming that column and what was found."""
    assert "price" not in {
        r["column_name"]
        for r in rows(
            original_url,
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'store_products'",
        )
    }
    rows(original_url, "ALTER TABLE public.store_products DROP COLUMN sale_price")
    with pytest.raises(AdoptRefused) as caught:
        run_adopt(original_url)
    message = str(caught.value)
    assert "column public.store_products.sale_price is missing" in message
    assert "found 8 of the original's 8 tables" in message
    assert "3 of its 3 functions" in message


def test_a_vete_database_is_left_alone(database_factory: Callable[..., str]) -> None:
    url = database_factory()
    before = schema_fingerprint(url)
    report = run_adopt(url, resolve=True)
    assert report.recognised["kind"] == "vete"
    assert not report.changed
    assert schema_fingerprint(url) == before


def test_the_original_functions_are_broken_before_adopt(original_url: str) -> None:
    """The fixture behaves as docs/original.md records: booking always fails, hidden."""
    answer = rows(
        original_url,
        "SELECT public.book_appointment_atomic(p_tenant_id => 'adris',"
        " p_pet_id => 'b0000000-0000-4000-8000-000000000010',"
        " p_service_id => 'c0000000-0000-4000-8000-000000000001',"
        " p_vet_id => 'a0000000-0000-4000-8000-000000000001',"
        " p_start_time => now() + interval '30 days') AS r",
    )[0]["r"]
    assert answer["error"] == "UNEXPECTED_ERROR"
    assert "FOR UPDATE" in answer["message"]
    assert len(function_definitions(original_url)) == 4  # two reschedule overloads


def test_an_empty_database_gets_an_ordinary_deploy(database_factory: Callable[..., str]) -> None:
    url = database_factory(empty=True)
    report = run_adopt(url)
    assert report.changed
    assert len(report.applied) == len(vete_source().load().migrations)


def test_cli_backs_up_rehearses_and_adopts(original_url: str, tmp_path: Path) -> None:
    result = vete(
        original_url, "db", "adopt", "--json", "--resolve", "--rehearse", "--check", "list",
        "--backup-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["rehearsed"]
    assert Path(payload["backup"]["path"]).parent == tmp_path
    assert [a["version"] for a in payload["applied"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    events = rows(original_url, "SELECT kind FROM vete.deploy_events ORDER BY id")
    assert events[0]["kind"] == "backup"
