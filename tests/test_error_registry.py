"""One registry maps every business code the SQL functions return to its exception.

The codes are read from the deployed database's own functions (what ``vete.failure`` and
``vete.store_error`` are called with, and the codes a rule computes before passing them
on), so a code added to the SQL — in a migration or a definition file — and not to
``vete.errors.BUSINESS_CODES`` fails here.
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest

from vete import errors
from vete.booking.outcome import unwrap
from vete.store._calls import checked

CALLED = re.compile(r"vete\.(?:failure|store_error)\(\s*'([A-Z][A-Z_]+)'")
COMPUTED = re.compile(r"THEN\s+'([A-Z][A-Z_]+)'")


def returned_codes(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute(
        "SELECT p.prosrc AS src FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('vete', 'public')"
        " AND p.prosrc ~ 'vete\\.(failure|store_error)\\('"
    ).fetchall()
    codes: set[str] = set()
    for row in rows:
        src = row["src"]
        codes |= set(CALLED.findall(src))
        if re.search(r"vete\.(?:failure|store_error)\(\s*v_code", src):
            codes |= set(COMPUTED.findall(src))
    return codes


def test_every_code_the_functions_return_is_registered(conn: psycopg.Connection[Any]) -> None:
    codes = returned_codes(conn)
    assert {
        "SLOT_UNAVAILABLE",
        "OUT_OF_STOCK",
        "OUTSIDE_WORKING_HOURS",
    } <= codes  # the reader works
    assert sorted(codes - errors.BUSINESS_CODES.keys()) == []


def test_lookup_gives_the_registered_exception() -> None:
    assert errors.lookup("SLOT_UNAVAILABLE") is errors.SlotUnavailable
    assert errors.lookup("OUT_OF_STOCK") is errors.OutOfStock
    assert errors.lookup("UNAUTHORIZED") is errors.Forbidden
    assert all(issubclass(cls, errors.VeteError) for cls in errors.BUSINESS_CODES.values())


def test_an_unknown_code_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="'NO_SUCH_CODE' is not registered"):
        errors.lookup("NO_SUCH_CODE")
    # An answer carrying it is a bug between SQL and Python, never a known outcome.
    failure = {"success": False, "error": "NO_SUCH_CODE", "message": "?"}
    for convert in (unwrap, checked):
        with pytest.raises(errors.VeteError) as raised:
            convert(failure)
        assert type(raised.value) is errors.VeteError
        assert raised.value.code == "NO_SUCH_CODE"


def test_booking_and_store_map_through_the_same_registry() -> None:
    failure = {"success": False, "error": "UNAUTHORIZED", "message": "no"}
    for convert in (unwrap, checked):
        with pytest.raises(errors.Forbidden):
            convert(failure)
