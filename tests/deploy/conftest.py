"""Helpers for deployer tests: folders of migrations written on the fly."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.sql import Composable

from vete.deploy import runner
from vete.deploy.source import Source

Write = Callable[..., Path]


@pytest.fixture
def migrations(tmp_path: Path) -> Write:
    """``migrations("001_x.sql", "SQL", verify=..., revert=...)`` writes into one folder."""
    folder = tmp_path / "migrations"
    folder.mkdir()

    def write(
        name: str, body: str, *, verify: str | None = None, revert: str | None = None
    ) -> Path:
        (folder / name).write_text(textwrap.dedent(body))
        for sub, text in (("verify", verify), ("revert", revert)):
            if text is not None:
                (folder / sub).mkdir(exist_ok=True)
                (folder / sub / name).write_text(textwrap.dedent(text))
        return folder

    return write


@pytest.fixture
def fresh_url(database_factory: Callable[..., str]) -> str:
    """An empty database of this test's own (deploy tests change the schema)."""
    return database_factory(empty=True)


def deploy(url: str, folder: Path, **options: Any) -> runner.DeployReport:
    opts = {"backup": False, **options}
    return runner.deploy(url, Source(folder, "t"), runner.DeployOptions(**opts), lambda *_: None)


def query(url: str, sql: str | Composable, *params: Any) -> list[dict[str, Any]]:
    """Run one statement in its own committed transaction; rows when it returns any."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        cur = conn.execute(sql, params or None)  # type: ignore[call-overload]
        return cur.fetchall() if cur.description else []  # type: ignore[no-any-return]


def schema_fingerprint(url: str) -> list[dict[str, Any]]:
    """Every column, constraint and function outside the system schemas and vete's own
    bookkeeping (the deployer's history is expected to appear)."""
    return query(
        url,
        """
        SELECT 'column' AS kind, table_schema || '.' || table_name || '.' || column_name AS name,
               data_type AS detail
        FROM information_schema.columns
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'vete')
        UNION ALL
        SELECT 'constraint', conrelid::regclass::text || '.' || conname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'vete')
        UNION ALL
        SELECT 'function', p.oid::regprocedure::text, md5(pg_get_functiondef(p.oid))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'vete') AND p.prokind = 'f'
        ORDER BY 1, 2
        """,
    )
