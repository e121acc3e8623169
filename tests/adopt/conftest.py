"""Databases of the original platform for adopt's tests, and ways to compare them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from vete.deploy.adopt import AdoptOptions, AdoptReport, adopt

FIXTURES = Path(__file__).parent / "fixtures"
ORIGINAL_TABLES = (
    "tenants", "profiles", "pets", "services", "appointments", "staff_schedules",
    "staff_time_off", "store_products", "store_inventory", "clinic_product_assignments",
    "store_carts",
)  # fmt: skip
THE_THREE = ("book_appointment_atomic", "reschedule_appointment_atomic", "merge_cart_atomic")


def load_original(url: str) -> str:
    """Fill an empty database with the original platform's schema, functions and data."""
    with psycopg.connect(url, autocommit=True) as conn:
        for name in ("original_schema", "original_functions", "original_data"):
            conn.execute((FIXTURES / f"{name}.sql").read_text(encoding="utf-8"))  # type: ignore[arg-type]
    return url


@pytest.fixture
def original_url(database_factory: Callable[..., str]) -> str:
    """A database of this test's own, as the original platform left it."""
    return load_original(database_factory(empty=True))


def run_adopt(url: str, **options: Any) -> AdoptReport:
    return adopt(url, AdoptOptions(**{"backup": False, **options}), lambda _: None)


def rows(url: str, query: str | sql.Composable, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        cur = conn.execute(query, params or None)  # type: ignore[call-overload]
        return cur.fetchall() if cur.description else []  # type: ignore[no-any-return]


def original_columns(url: str) -> dict[str, list[str]]:
    """The original's columns per table (vete adds its own; these are what must survive)."""
    found: dict[str, list[str]] = {}
    for r in rows(
        url,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name = ANY(%s)"
        " ORDER BY table_name, ordinal_position",
        list(ORIGINAL_TABLES),
    ):
        found.setdefault(r["table_name"], []).append(r["column_name"])
    return found


def data_checksums(
    url: str, columns: dict[str, list[str]], skip_ids: frozenset[str] = frozenset()
) -> dict[str, tuple[int, str]]:
    """Per table: row count and md5 over the given columns of every row, ordered by id."""
    out: dict[str, tuple[int, str]] = {}
    for table, cols in columns.items():
        query = sql.SQL(
            "SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t.id::text), ''))"
            " AS sum FROM (SELECT {} FROM public.{} WHERE NOT (id::text = ANY(%s))) t"
        ).format(sql.SQL(", ").join(map(sql.Identifier, cols)), sql.Identifier(table))
        r = rows(url, query, list(skip_ids))[0]
        out[table] = (r["n"], r["sum"])
    return out


def function_definitions(url: str) -> dict[str, str]:
    """pg_get_functiondef of every overload of the original's three functions."""
    return {
        r["sig"]: r["def"]
        for r in rows(
            url,
            "SELECT p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def"
            " FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY(%s)",
            list(THE_THREE),
        )
    }


def policies_and_triggers(url: str) -> list[dict[str, Any]]:
    """Every row-level security policy and user trigger on schema public, as defined."""
    return rows(
        url,
        "SELECT 'policy' AS kind, tablename::text AS on_table, policyname::text AS name,"
        " concat_ws(' | ', cmd, roles::text, qual, with_check) AS definition"
        " FROM pg_policies WHERE schemaname = 'public'"
        " UNION ALL SELECT 'trigger', c.relname::text, t.tgname::text, pg_get_triggerdef(t.oid)"
        " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal"
        " ORDER BY 1, 2, 3",
    )
