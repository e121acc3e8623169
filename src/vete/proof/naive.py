"""The naive implementation ``vete race --compare naive`` races against, in a scratch schema."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiosql
from psycopg import sql
from psycopg.types.json import Jsonb

from vete.db import connect
from vete.proof.harness import Conn

_queries: Any = aiosql.from_path(Path(__file__).with_name("naive.sql"), "psycopg")


def search_path_option(schema: str) -> str:
    """libpq ``options`` that make a connection resolve names in ``schema`` first."""
    return f"-c search_path={schema},public"


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """Create ``vete_naive_<random>`` with the naive tables and functions; drop it after."""
    schema = f"vete_naive_{secrets.token_hex(4)}"
    with connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            with connect(url, options=search_path_option(schema)) as ddl:
                _queries.create_naive(ddl)
                ddl.commit()
            yield schema
        finally:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


class NaiveBooking:
    """Check-then-insert booking of ``minutes`` (duration plus buffer) with no constraint."""

    def book(self, conn: Conn, client: int, vet: uuid.UUID, start: datetime, minutes: int) -> Any:
        with conn.transaction():
            return _queries.book(
                conn, vet=vet, start=start, finish=start + timedelta(minutes=minutes)
            )

    def overlapping_pairs(
        self, conn: Conn, vet: uuid.UUID, since: datetime, until: datetime
    ) -> int:
        pairs = int(_queries.overlapping_pairs(conn, vet=vet, since=since, until=until))
        conn.rollback()
        return pairs


class NaiveCart:
    """The original's merge: lock a possibly missing row, then an overwriting upsert."""

    def merge(
        self, conn: Conn, customer: uuid.UUID, items: list[dict[str, Any]], *, act: bool
    ) -> Any:
        with conn.transaction():
            return _queries.merge(conn, customer=customer, items=Jsonb(items))

    def lines(self, conn: Conn, customer: uuid.UUID) -> list[dict[str, Any]]:
        rows = list(_queries.cart_lines(conn, customer=customer))
        conn.rollback()
        return rows
