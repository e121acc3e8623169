"""Database work written once and run on a sync or an async connection (sans-I/O).

A unit of work is a generator that yields :class:`Statement` values (an aiosql query and
its arguments) and receives each one's result; it returns the typed answer. :func:`run`
drives it on a psycopg ``Connection``, :func:`arun` on an ``AsyncConnection``: the CLI,
tests and proof tools call the blocking functions made by :func:`blocking`, and the HTTP
API awaits the very same work on its async pool, with no thread-pool hop per request
(docs/api.md, "Benchmark"). psycopg itself is built this way: generators that say what
to wait for, and one driver per I/O style.

    def clinic_work(*, tenant_id: str) -> Work[Clinic | None]:
        row = yield Statement(queries.clinic, {"tenant_id": tenant_id})
        return None if row is None else Clinic(**row)

    clinic = blocking(clinic_work)          # clinic(conn, tenant_id="adris")
    found = await arun(aconn, clinic_work(tenant_id="adris"))
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import psycopg
from aiosql.types import SQLOperationType

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class Statement:
    """One named query (an aiosql query function) and its arguments, for a driver to run.

    What the work receives back follows the query's aiosql suffix: ``$`` the first column
    of the first row (or None), ``^`` the first row (or None), no suffix all rows.
    """

    query: Any
    params: Mapping[str, Any]


#: A unit of database work: yields statements, receives their results, returns T.
Work = Generator[Statement, Any, T]


def _first_value(row: Any) -> Any:
    if row is None:
        return None
    return next(iter(row.values())) if isinstance(row, Mapping) else row[0]


_SHAPES = {SQLOperationType.SELECT, SQLOperationType.SELECT_ONE, SQLOperationType.SELECT_VALUE}


def _operation(statement: Statement) -> SQLOperationType:
    operation: SQLOperationType = statement.query.operation
    if operation not in _SHAPES:
        raise TypeError(f"{statement.query.__name__}: only $, ^ and plain selects run as work")
    return operation


def run(conn: psycopg.Connection[Any], work: Work[T]) -> T:
    """Run ``work`` on a blocking connection, in the caller's transaction."""
    result: Any = None
    while True:
        try:
            statement = work.send(result)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        operation = _operation(statement)
        cursor = conn.execute(statement.query.sql, statement.params)
        if operation is SQLOperationType.SELECT:
            result = cursor.fetchall()
        else:
            row = cursor.fetchone()
            result = _first_value(row) if operation is SQLOperationType.SELECT_VALUE else row


async def arun(conn: psycopg.AsyncConnection[Any], work: Work[T]) -> T:
    """Run ``work`` on an async connection, in the caller's transaction."""
    result: Any = None
    while True:
        try:
            statement = work.send(result)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        operation = _operation(statement)
        cursor = await conn.execute(statement.query.sql, statement.params)
        if operation is SQLOperationType.SELECT:
            result = await cursor.fetchall()
        else:
            row = await cursor.fetchone()
            result = _first_value(row) if operation is SQLOperationType.SELECT_VALUE else row


def blocking(
    make_work: Callable[P, Work[T]],
) -> Callable[Concatenate[psycopg.Connection[Any], P], T]:
    """The blocking form of a work function: ``f(conn, ...)`` runs ``make_work(...)`` on conn."""

    def call(conn: psycopg.Connection[Any], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return run(conn, make_work(*args, **kwargs))

    call.__name__ = make_work.__name__.removesuffix("_work")
    call.__qualname__ = make_work.__qualname__.removesuffix("_work")
    call.__doc__ = make_work.__doc__
    call.__module__ = make_work.__module__
    return call
