"""The deployer's SQL, loaded by name from the ``sql/`` folder beside this module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosql

SQL_DIR = Path(__file__).parent / "sql"

history: Any = aiosql.from_path(SQL_DIR / "history.sql", "psycopg")
catalog: Any = aiosql.from_path(SQL_DIR / "catalog.sql", "psycopg")
plpgsql_check: Any = aiosql.from_path(SQL_DIR / "plpgsql_check.sql", "psycopg")
definitions: Any = aiosql.from_path(SQL_DIR / "definitions.sql", "psycopg")


def bootstrap_sql() -> str:
    """DDL that creates the deployer's own tables (idempotent)."""
    return (SQL_DIR / "bootstrap.sql").read_text(encoding="utf-8")
