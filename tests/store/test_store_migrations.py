"""The store migrations deploy cleanly: verify scripts pass, NULL probes, reverts, comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.store.conftest import Conn
from vete.deploy.source import VETE_SET
from vete.migrations import MIGRATIONS_DIR

STORE = sorted(MIGRATIONS_DIR.glob("01[0-9]_store_*.sql"))
STORE_FUNCTIONS = """
    SELECT p.oid::regprocedure::text AS signature, p.proname, p.pronargs, l.lanname,
           p.prosecdef, p.proconfig, obj_description(p.oid, 'pg_proc') AS comment
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE n.nspname IN ('public', 'vete')
      AND (p.proname LIKE 'store\\_%%' OR p.proname ~ 'cart')
"""


def test_store_migrations_are_numbered_010_to_019_with_siblings() -> None:
    assert [p.name[:3] for p in STORE] == ["010", "011", "012", "013", "014", "015"]
    for path in STORE:
        assert (MIGRATIONS_DIR / "revert" / path.name).is_file(), path.name
        assert (MIGRATIONS_DIR / "verify" / path.name).is_file(), path.name
        assert f"-- vete:expect-notice vete {path.name[:3]} " in path.read_text()


@pytest.mark.parametrize("path", STORE, ids=lambda p: p.name)
def test_verify_script_passes(conn: Conn, path: Path) -> None:
    """Each verify script calls what its migration deployed; it raises to fail."""
    with conn.transaction(force_rollback=True):
        conn.execute((MIGRATIONS_DIR / "verify" / path.name).read_text())


def test_every_store_function_answers_null_arguments(conn: Conn) -> None:
    """What the deployer's probe does: call each function with all-NULL arguments."""
    functions = conn.execute(STORE_FUNCTIONS).fetchall()
    assert len(functions) >= 15
    for fn in functions:
        nulls = ", ".join(["NULL"] * fn["pronargs"])
        with conn.transaction(force_rollback=True):
            conn.execute(f"SELECT {fn['signature'].split('(')[0]}({nulls})")


def test_store_functions_are_commented_and_definers_pin_search_path(conn: Conn) -> None:
    for fn in conn.execute(STORE_FUNCTIONS).fetchall():
        assert fn["comment"], fn["signature"]
        if fn["prosecdef"]:
            assert any(c.startswith("search_path=") for c in fn["proconfig"] or []), fn
    tables = conn.execute(
        "SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment FROM pg_class c"
        " WHERE c.relname LIKE 'store\\_%%' AND c.relkind = 'r'"
    ).fetchall()
    assert {t["relname"] for t in tables} == {
        "store_products",
        "store_inventory",
        "store_carts",
        "store_orders",
        "store_order_items",
    }
    assert all(t["comment"] for t in tables)


def _owned_by_definitions(conn: Conn) -> set[str]:
    """Functions a live definition defines: revert scripts leave them (docs/deploy.md)."""
    rows = conn.execute(
        "SELECT o ->> 'name' AS name FROM vete.schema_definitions d,"
        " jsonb_array_elements(d.defines) o WHERE o ->> 'kind' = 'function'"
    ).fetchall()
    return {r["name"] for r in rows}


def test_reverts_remove_the_store_and_it_deploys_again(conn: Conn) -> None:
    with conn.transaction(force_rollback=True):
        for path in reversed(STORE):
            conn.execute((MIGRATIONS_DIR / "revert" / path.name).read_text())
        left = {f["signature"] for f in conn.execute(STORE_FUNCTIONS).fetchall()}
        assert left == {f for f in _owned_by_definitions(conn) if "store" in f or "cart" in f}
        assert conn.execute("SELECT to_regclass('public.store_carts') AS t").fetchone() == {
            "t": None
        }
        for path in STORE:
            conn.execute(path.read_text())
        assert len(conn.execute(STORE_FUNCTIONS).fetchall()) >= 15


def test_the_originals_three_argument_merge_is_replaced_not_overloaded(
    database_factory: Any,
) -> None:
    """On a database that ran the original's 090, 012 leaves exactly one merge_cart_atomic."""
    cart_functions = MIGRATIONS_DIR / "012_store_cart_functions.sql"
    with psycopg.connect(database_factory(), row_factory=dict_row) as conn:
        conn.execute((MIGRATIONS_DIR / "revert" / "013_store_checkout.sql").read_text())
        conn.execute((MIGRATIONS_DIR / "revert" / cart_functions.name).read_text())
        conn.execute(
            "CREATE FUNCTION merge_cart_atomic(p_customer_id uuid, p_tenant_id text,"
            " p_new_items jsonb) RETURNS jsonb LANGUAGE sql"
            " AS $$ SELECT '{\"success\": true}'::jsonb $$"
        )
        conn.execute(cart_functions.read_text())
        row = conn.execute(
            "SELECT count(*) AS n FROM pg_proc WHERE proname = 'merge_cart_atomic'"
        ).fetchone()
        assert row == {"n": 1}
        result = conn.execute(
            "SELECT merge_cart_atomic(p_customer_id => NULL, p_tenant_id => NULL,"
            " p_new_items => '[]') AS r"
        ).fetchone()
        assert result is not None
        assert result["r"]["error"] == "INVALID_INPUT"


def test_revert_014_restores_the_definitions_it_replaced_exactly(conn: Conn) -> None:
    """014 replaced two functions: its revert script puts back exactly what the deployer
    recorded before applying it (pg_get_functiondef). The fast path stays: its definition
    file owns it (definitions/store/store_cart_merge_fast.sql)."""
    revert = (MIGRATIONS_DIR / "revert" / "014_store_merge_fast_path.sql").read_text()
    with conn.transaction(force_rollback=True):
        row = conn.execute(
            "SELECT replaced -> 'functions' AS f FROM vete.schema_migrations"
            " WHERE migration_set = %s AND version = 14",
            [VETE_SET],
        ).fetchone()
        assert row is not None
        recorded: dict[str, str] = row["f"]
        assert set(recorded) == {
            "vete.session_role()",
            "vete.store_cart_write(text,uuid,jsonb,text)",
        }
        conn.execute(revert)
        for signature, definition in recorded.items():
            now = conn.execute(
                "SELECT pg_get_functiondef(%s::regprocedure) AS d", [signature]
            ).fetchone()
            assert now == {"d": definition}, signature
        kept = conn.execute(
            "SELECT to_regprocedure('vete.store_cart_merge_fast(text,uuid,jsonb,text)') AS f"
        ).fetchone()
        assert kept is not None
        assert kept["f"] is not None


def test_revert_015_restores_the_definitions_and_the_policy_it_replaced_exactly(
    conn: Conn,
) -> None:
    """015 replaced four functions and a policy: its revert script puts back exactly what
    the deployer recorded before applying it and the public stock policy of 010. The id
    helpers and the fast path stay: definition files own them."""
    revert = (MIGRATIONS_DIR / "revert" / "015_store_hardening.sql").read_text()
    policy = (
        "SELECT polname, pg_get_expr(polqual, polrelid) AS qual FROM pg_policy"
        " WHERE polrelid = 'public.store_inventory'::regclass"
    )
    with conn.transaction(force_rollback=True):
        row = conn.execute(
            "SELECT replaced -> 'functions' AS f FROM vete.schema_migrations"
            " WHERE migration_set = %s AND version = 15",
            [VETE_SET],
        ).fetchone()
        assert row is not None
        recorded: dict[str, str] = row["f"]
        assert set(recorded) == {
            "vete.store_catalog(text,uuid,jsonb)",
            "vete.store_cart_apply(text,uuid,jsonb,text)",
            "vete.store_cart_drop_lines(text,uuid,text,text,boolean)",
            "checkout_cart(text,text,uuid)",  # public: regprocedure leaves it out
        }
        conn.execute(revert)
        for signature, definition in recorded.items():
            now = conn.execute(
                "SELECT pg_get_functiondef(%s::regprocedure) AS d", [signature]
            ).fetchone()
            assert now == {"d": definition}, signature
        assert conn.execute(policy).fetchall() == [
            {"polname": "store_inventory_public_read", "qual": "true"}
        ]
        kept = conn.execute(
            "SELECT to_regprocedure('vete.store_line_id(text,text)') IS NOT NULL AS a,"
            " to_regprocedure('vete.store_parse_uuid(text)') IS NOT NULL AS b"
        ).fetchone()
        assert kept == {"a": True, "b": True}
