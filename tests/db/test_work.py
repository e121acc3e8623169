"""vete.db.work: one unit of work, the same answers on a blocking and an async connection."""

from __future__ import annotations

import asyncio
from typing import Any

import aiosql
import psycopg
import pytest
from psycopg.rows import dict_row, tuple_row

from vete.db.work import Statement, Work, arun, blocking, run

QUERIES: Any = aiosql.from_str(
    """
-- name: double(n)$
SELECT :n::int * 2 AS doubled;

-- name: pair(n)^
SELECT :n::int AS n, 'x' || :n::text AS label;

-- name: nothing()^
SELECT 1 WHERE false;

-- name: upto(n)
SELECT g FROM generate_series(1, :n::int) AS g;

-- name: fail(n)$
SELECT 1 / :n::int;

-- name: touch()!
SELECT 1;
""",
    "psycopg",
)


def sample_work(n: int) -> Work[dict[str, Any]]:
    """Each statement shape in turn; later statements use earlier answers."""
    doubled = yield Statement(QUERIES.double, {"n": n})
    pair = yield Statement(QUERIES.pair, {"n": doubled})
    missing = yield Statement(QUERIES.nothing, {})
    rows = yield Statement(QUERIES.upto, {"n": 3})
    return {"doubled": doubled, "pair": pair, "missing": missing, "rows": rows}


def nested_work() -> Work[int]:
    """Works compose with ``yield from``."""
    first = yield from sample_work(1)
    second = yield Statement(QUERIES.double, {"n": first["doubled"]})
    return int(second)


async def on_async(url: str, work: Work[Any]) -> Any:
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as aconn:
        return await arun(aconn, work)


def test_blocking_and_async_drivers_give_the_same_answers(database_url, conn):
    expected = {
        "doubled": 42,
        "pair": {"n": 42, "label": "x42"},
        "missing": None,
        "rows": [{"g": 1}, {"g": 2}, {"g": 3}],
    }
    assert run(conn, sample_work(21)) == expected
    assert asyncio.run(on_async(database_url, sample_work(21))) == expected
    assert run(conn, nested_work()) == asyncio.run(on_async(database_url, nested_work())) == 4


def test_tuple_rows_work_too(database_url):
    with psycopg.connect(database_url, row_factory=tuple_row) as tconn:
        answer = run(tconn, sample_work(2))
    assert answer["doubled"] == 4
    assert answer["pair"] == (4, "x4")


def test_blocking_form_takes_the_connection_first(conn):
    doubled_then_listed = blocking(sample_work)
    assert doubled_then_listed.__name__ == "sample"
    assert doubled_then_listed(conn, 5)["doubled"] == 10


def test_an_error_in_a_statement_surfaces_from_both_drivers(database_url, conn):
    def failing() -> Work[int]:
        return (yield Statement(QUERIES.fail, {"n": 0}))

    with pytest.raises(psycopg.errors.DivisionByZero):
        run(conn, failing())
    with pytest.raises(psycopg.errors.DivisionByZero):
        asyncio.run(on_async(database_url, failing()))


def test_a_statement_without_a_result_shape_is_refused(conn):
    def touching() -> Work[None]:
        yield Statement(QUERIES.touch, {})

    with pytest.raises(TypeError, match=r"only \$, \^ and plain selects"):
        run(conn, touching())
