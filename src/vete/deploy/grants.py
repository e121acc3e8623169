"""Before each migration's COMMIT: the grants on vete's objects are exactly the intended ones.

From migration 017 on, ``vete.intended_grants`` lists what anon, authenticated and
service_role may do on each of vete's objects. A Supabase project grants ALL on every new
object in ``public`` to those roles, so a migration that creates a table and forgets to
take that back, or grants more than the list says, would leave the API roles privileges
nobody meant (TRUNCATE, which row-level security does not stop). The deployer refuses it:
each object the migration created must be in the list, and no listed object may differ
from it (``vete.grant_drift()``). Databases without the list (before 017) are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete.deploy.catalog import Change
from vete.deploy.files import Migration
from vete.errors import VerifyFailed

_queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "grants.sql", "psycopg")


def problems(conn: psycopg.Connection[Any], change: Change) -> list[str]:
    """What is wrong with the grants after ``change``; empty when they are as intended."""
    created = [*change.created_relations, *change.created_views, *change.created_functions]
    return _problems(conn, created)


def _problems(conn: psycopg.Connection[Any], created: list[str]) -> list[str]:
    if not _queries.has_intended_grants(conn):
        return []
    found = [
        f"{r['name']} has no intended grants (add its row to vete.intended_grants and"
        " SELECT vete.apply_intended_grants())"
        for r in _queries.unlisted(conn, names=created)
    ]
    found += [
        f"{r['object_name']}: {r['grantee']} {r['privilege']} {r['problem']}"
        for r in _queries.grant_drift(conn)
    ]
    return found


def check(conn: psycopg.Connection[Any], migration: Migration, change: Change) -> None:
    """Raise VerifyFailed (the migration rolls back) when the grants are not as intended."""
    found = problems(conn, change)
    if found:
        raise VerifyFailed(
            f"{migration.label}: grants differ from the intended: " + "; ".join(found)
        )


def settle_definition(conn: psycopg.Connection[Any], label: str, created: list[str]) -> None:
    """After a definition's statements: the list's grants, then the same check as a migration.

    ``CREATE OR REPLACE`` keeps a function's grants, but a function a definition creates
    gets the schema's default privileges (on Supabase: EXECUTE for anon, authenticated and
    service_role). Definitions carry no grants of their own that could go stale:
    ``vete.intended_grants`` is the one list, so where it drifts it is applied here, and
    an object the definition created without a row in it is refused (VerifyFailed).
    """
    if not _queries.has_intended_grants(conn):
        return
    if list(_queries.grant_drift(conn)):
        conn.execute("SELECT vete.apply_intended_grants()")
    found = _problems(conn, created)
    if found:
        raise VerifyFailed(f"{label}: grants differ from the intended: " + "; ".join(found))
