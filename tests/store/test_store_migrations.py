"""The store's migrations (tables) and definitions (functions, policies) deploy cleanly:
verify scripts pass, NULL probes, reverts, comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.store.conftest import Conn
from vete.migrations import MIGRATIONS_DIR

STORE = sorted(MIGRATIONS_DIR.glob("01[0-9]_store_*.sql"))
STORE_DEFINITIONS = MIGRATIONS_DIR / "definitions" / "store"
VERIFY_SCRIPTS = [
    MIGRATIONS_DIR / "verify" / "010_store_schema.sql",
    *sorted((STORE_DEFINITIONS / "verify").glob("*.sql")),
]
STORE_FUNCTIONS = """
    SELECT p.oid::regprocedure::text AS signature, p.proname, p.pronargs, l.lanname,
           p.prosecdef, p.proconfig, obj_description(p.oid, 'pg_proc') AS comment
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE n.nspname IN ('public', 'vete')
      AND (p.proname LIKE 'store\\_%%' OR p.proname ~ 'cart')
"""


def test_store_migrations_are_numbered_010_to_019_and_hold_tables_only() -> None:
    assert [p.name[:3] for p in STORE] == ["010", "011", "012", "013", "014", "015"]
    for path in STORE:
        text = path.read_text()
        assert f"-- vete:expect-notice vete {path.name[:3]} " in text
        assert "CREATE FUNCTION" not in text.upper(), path.name  # definitions/store/ has them
    for sibling in ("revert", "verify"):
        assert (MIGRATIONS_DIR / sibling / "010_store_schema.sql").is_file()


@pytest.mark.parametrize("path", VERIFY_SCRIPTS, ids=lambda p: p.name)
def test_verify_script_passes(conn: Conn, path: Path) -> None:
    """Each verify script checks what its migration or definition deployed; it raises to fail."""
    with conn.transaction(force_rollback=True):
        conn.execute(path.read_text())


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
    """The migrations' revert scripts drop the tables and leave the definitions' functions,
    but for the two bound to a cart row, which go with the table."""
    row_bound = {"vete.store_cart_json(store_carts,jsonb)", "vete.store_lock_cart(text,uuid)"}
    with conn.transaction(force_rollback=True):
        before = {f["signature"] for f in conn.execute(STORE_FUNCTIONS).fetchall()}
        assert row_bound <= before
        for path in reversed(STORE):
            revert = MIGRATIONS_DIR / "revert" / path.name
            if revert.is_file():
                conn.execute(revert.read_text())
        left = {f["signature"] for f in conn.execute(STORE_FUNCTIONS).fetchall()}
        assert left == before - row_bound
        owned = {f for f in _owned_by_definitions(conn) if "store" in f or "cart" in f}
        assert left == owned - row_bound
        assert conn.execute("SELECT to_regclass('public.store_carts') AS t").fetchone() == {
            "t": None
        }
        for path in STORE:
            conn.execute(path.read_text())
        # and 015 drops the store_catalog it found: a deploy applies the three again
        # (their definitions' state is "dropped").
        for name in ("store_cart_json", "store_lock_cart", "store_catalog"):
            conn.execute((STORE_DEFINITIONS / f"{name}.sql").read_text())
        after = {f["signature"] for f in conn.execute(STORE_FUNCTIONS).fetchall()}
        assert after == before


def test_the_originals_three_argument_merge_is_replaced_not_overloaded(
    database_factory: Any,
) -> None:
    """On a database that ran the original's 090, 012 leaves exactly one merge_cart_atomic."""
    cart_functions = MIGRATIONS_DIR / "012_store_cart_functions.sql"
    with psycopg.connect(database_factory(), row_factory=dict_row) as conn:
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


def test_revert_015_brings_back_the_public_stock_policy_and_leaves_the_definitions(
    conn: Conn,
) -> None:
    """015 dropped 010's public stock policy: its revert creates it again. The store's
    functions and the policy that replaced it are definitions' and stay as they are."""
    revert = (MIGRATIONS_DIR / "revert" / "015_store_hardening.sql").read_text()
    policy = (
        "SELECT polname, pg_get_expr(polqual, polrelid) AS qual FROM pg_policy"
        " WHERE polrelid = 'public.store_inventory'::regclass ORDER BY 1"
    )
    functions = (
        "SELECT p.oid::regprocedure::text AS f, pg_get_functiondef(p.oid) AS d FROM pg_proc p"
        " WHERE p.proname LIKE 'store\\_%%' ORDER BY 1"
    )
    with conn.transaction(force_rollback=True):
        before = conn.execute(functions).fetchall()
        policies = conn.execute(policy).fetchall()
        assert [p["polname"] for p in policies] == ["store_inventory_on_sale_or_staff"]
        conn.execute(revert)
        assert conn.execute(functions).fetchall() == before
        public_read = {"polname": "store_inventory_public_read", "qual": "true"}
        assert public_read in conn.execute(policy).fetchall()
