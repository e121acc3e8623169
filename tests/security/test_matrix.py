"""The authorization matrix, one generated case per cell of ``tests.security.matrix``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.security import read_ops, sql_ops
from tests.security.endpoint_ops import OPS
from tests.security.matrix import (
    ACTORS,
    CLIENT_HELPERS,
    ENDPOINTS,
    SQL_FUNCTIONS,
    TABLE_READS,
    Row,
    render_markdown,
)

OBSERVE = os.environ.get("VETE_MATRIX_OBSERVE") == "1"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"


def outcome(response) -> str:  # type: ignore[no-untyped-def]
    """``STATUS[ CODE][ #ROWS]`` of a response, in the matrix's notation."""
    text = str(response.status_code)
    body = response.json() if response.headers.get("content-type", "").find("json") >= 0 else None
    if response.status_code >= 400 and isinstance(body, dict):
        code = body.get("code")
        if code not in (None, "UNAUTHENTICATED", "INVALID_INPUT"):
            text += f" {code}"
    if isinstance(body, list):
        text += f" #{len(body)}"
    return text


def test_every_endpoint_has_a_row() -> None:
    assert {r.name for r in ENDPOINTS} == set(OPS)


def cells(rows: tuple[Row, ...]) -> list[Any]:
    """One case per cell: (row name, actor, expected outcome)."""
    return [
        pytest.param(row.name, actor, expected, id=f"{row.name} | {actor.key}")
        for row in rows
        for actor, expected in zip(ACTORS, row.expected, strict=True)
    ]


CASES = cells(ENDPOINTS) + (
    [pytest.param(name, actor, "?", id=f"{name} | {actor.key}") for name in OPS for actor in ACTORS]
    if OBSERVE
    else []
)


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_endpoint(name, actor, expected, client, world, headers_for) -> None:  # type: ignore[no-untyped-def]
    response = OPS[name](client, headers_for(actor), world)
    assert response.status_code < 500, response.text
    got = outcome(response)
    if OBSERVE:
        print(f"OBSERVED\t{name}\t{actor.key}\t{got}")
        return
    assert got == expected, response.text


def test_every_sql_function_has_a_row() -> None:
    assert {r.name for r in SQL_FUNCTIONS} == set(sql_ops.CALLS)


SQL_CASES = cells(SQL_FUNCTIONS) + (
    [
        pytest.param(name, actor, "?", id=f"{name} | {actor.key}")
        for name in sql_ops.CALLS
        for actor in ACTORS
    ]
    if OBSERVE
    else []
)


@pytest.mark.parametrize(("name", "actor", "expected"), SQL_CASES)
def test_sql_function(name, actor, expected, world) -> None:  # type: ignore[no-untyped-def]
    got = sql_ops.run(name, actor, world)
    if OBSERVE:
        print(f"OBSERVED\t{name}\t{actor.key}\t{got}")
        return
    assert got == expected


def test_every_read_has_a_row() -> None:
    assert {r.name for r in TABLE_READS} == set(read_ops.READS)


@pytest.mark.parametrize(("name", "actor", "expected"), cells(TABLE_READS))
def test_read(name, actor, expected, world) -> None:  # type: ignore[no-untyped-def]
    assert read_ops.run(name, actor, world) == expected


def test_docs_show_the_current_matrix() -> None:
    text = DOCS.read_text()
    assert render_markdown() in text, "run: .venv/bin/python scripts/render_matrix.py"


PRIVILEGES = """
SELECT n.nspname || '.' || p.proname AS name,
       has_function_privilege('anon', p.oid, 'EXECUTE') AS anon,
       has_function_privilege('authenticated', p.oid, 'EXECUTE') AS authenticated
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'vete', 'auth')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY 1
"""


def test_every_callable_function_is_in_the_matrix(world) -> None:  # type: ignore[no-untyped-def]
    """Whatever a client role may EXECUTE is either a matrix row or a listed read-only helper."""
    import psycopg

    with psycopg.connect(world.url) as conn:
        rows = conn.execute(PRIVILEGES).fetchall()
    callable_by = {
        name: {r for r, ok in (("anon", anon), ("authenticated", auth)) if ok}
        for name, anon, auth in rows
    }
    exposed = {name: roles for name, roles in callable_by.items() if roles}
    if OBSERVE:
        for name, roles in sorted(exposed.items()):
            print(f"EXPOSED\t{name}\t{sorted(roles)}")
        return
    rows_named = {"public." + r.name.split("(")[0] for r in SQL_FUNCTIONS}
    assert {n: r for n, r in exposed.items() if n not in rows_named} == CLIENT_HELPERS
