"""Loading the store's named SQL and turning business-error JSON into vete errors.

Codes map through the one registry, :data:`vete.errors.BUSINESS_CODES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiosql

from vete.db.work import Statement, Work
from vete.errors import from_failure

SQL_DIR = Path(__file__).parent / "sql"

#: The named queries of ``sql/*.sql``, loaded once.
queries: Any = aiosql.from_path(SQL_DIR, "psycopg")


def describe_invalid_items(items: list[Mapping[str, Any]]) -> str:
    """One readable clause per offending item: ``#0 (id='x'): INVALID_QUANTITY``."""
    return "; ".join(
        f"#{item.get('index')} (id={item.get('id')!r}): {item.get('reason')}" for item in items
    )


def checked(result: Any) -> Mapping[str, Any]:
    """The success JSON of a store function, or the matching :class:`VeteError` raised."""
    if not isinstance(result, Mapping):
        raise TypeError(f"store function returned {type(result).__name__}, not a JSON object")
    if result.get("success") is True:
        return result
    code = str(result.get("error") or "ERROR")
    message = str(result.get("message") or code)
    invalid = result.get("invalid_items")
    if invalid:
        message = f"{message} {describe_invalid_items(invalid)}"
    raise from_failure(code, message)


def call_work(name: str, **params: Any) -> Work[Mapping[str, Any]]:
    """Run the named query (one JSON value) in the caller's transaction and check it."""
    return checked((yield Statement(getattr(queries, name), params)))
