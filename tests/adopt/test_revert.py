"""Undoing an adopt: what vete's own deploy put on top goes first (definitions, then its
later migrations), the original's function definitions come back exactly, and its policies
and triggers are there as they were (vete's own are gone)."""

from __future__ import annotations

import pytest

from tests.adopt.conftest import function_definitions, policies_and_triggers, rows, run_adopt
from vete.db import connect
from vete.deploy import maintain
from vete.deploy.apply import Timeouts
from vete.deploy.source import source_for
from vete.errors import DeployError


def test_revert_after_adopt_restores_the_original_functions(original_url: str) -> None:
    before = function_definitions(original_url)
    guards = policies_and_triggers(original_url)
    assert {g["name"] for g in guards} >= {
        "Owners create appointments", "Customers manage own cart", "validate_appointment_booking",
        "protect_critical_columns", "handle_updated_at",
    }  # fmt: skip
    columns = rows(
        original_url,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' ORDER BY 1, 2",
    )
    indexes_and_triggers = (
        "SELECT indexrelid::regclass::text AS name FROM pg_index"
        " WHERE indrelid = 'public.appointments'::regclass"
        " UNION ALL SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.appointments'::regclass"
        " ORDER BY 1"
    )
    appointments_before = rows(original_url, indexes_and_triggers)
    run_adopt(original_url, resolve=True)
    assert rows(original_url, indexes_and_triggers) != appointments_before
    assert function_definitions(original_url) != before
    with connect(original_url, autocommit=True) as conn:
        # vete's own set refuses to go below what adopt applied after its baseline (014
        # on): its revert scripts would drop the original's tables.
        with pytest.raises(DeployError, match="baseline by set 'vete-adopt'"):
            maintain.revert(conn, source_for(None, None), to_version=0, timeouts=Timeouts())
        done = maintain.revert(
            conn, source_for(None, "vete-adopt"), to_version=0, timeouts=Timeouts()
        )
    assert [d["version"] for d in done] == [8, 7, 6, 5, 4, 3, 2, 1]
    assert function_definitions(original_url) == before
    assert policies_and_triggers(original_url) == guards  # the original's, and only those
    after = rows(
        original_url,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' ORDER BY 1, 2",
    )
    assert after == columns
    assert rows(original_url, indexes_and_triggers) == appointments_before
    assert rows(original_url, "SELECT count(*) AS n FROM vete.schema_migrations")[0]["n"] == 0
    live = "SELECT count(*) AS n FROM vete.schema_definitions WHERE checksum IS NOT NULL"
    assert rows(original_url, live)[0]["n"] == 0
