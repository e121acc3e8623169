"""Act as a request's identity inside one transaction, the way PostgREST does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import aiosql
import psycopg

from vete.db.work import Statement, Work, run

Role = Literal["anon", "authenticated", "service_role"]
ROLES: tuple[Role, ...] = ("anon", "authenticated", "service_role")

_queries = aiosql.from_path(Path(__file__).with_name("session.sql"), "psycopg")


def act_as_work(
    *,
    user_id: UUID | str | None,
    role: Role,
    statement_timeout: str | None = None,
    lock_timeout: str | None = None,
) -> Work[None]:
    """:func:`act_as` as work for :func:`vete.db.work.arun` (the caller ensures a transaction)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    claims: dict[str, str] = {"role": role}
    if user_id is not None:
        claims["sub"] = str(user_id)
    yield Statement(
        _queries.act_as,
        {
            "claims": json.dumps(claims),
            "role": role,
            "statement_timeout": statement_timeout,
            "lock_timeout": lock_timeout,
        },
    )


def act_as(
    conn: psycopg.Connection[Any],
    *,
    user_id: UUID | str | None,
    role: Role,
    statement_timeout: str | None = None,
    lock_timeout: str | None = None,
) -> None:
    """Make the rest of the current transaction run as ``role`` with JWT ``sub`` = ``user_id``.

    Exactly what Supabase (PostgREST) does per request: ``request.jwt.claims`` holding only
    ``sub`` and ``role``, set locally, then ``SET LOCAL ROLE``. Both end with the transaction,
    so the connection must not be in autocommit mode. ``statement_timeout`` and
    ``lock_timeout`` (e.g. ``"5000ms"``), when given, are set LOCAL in the same round trip.
    """
    if conn.autocommit:
        raise ValueError("act_as needs a transaction: the identity is set LOCAL to it")
    run(
        conn,
        act_as_work(
            user_id=user_id,
            role=role,
            statement_timeout=statement_timeout,
            lock_timeout=lock_timeout,
        ),
    )
