"""The fixture gives each module its own database: this module and its twin never meet."""

from typing import Any

import psycopg
from psycopg.rows import dict_row


def _tables(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {r["tablename"] for r in rows}


def test_module_database_does_not_see_the_twin_modules_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute("CREATE TABLE written_by_module_a (x int)")
    conn.commit()
    assert "written_by_module_b" not in _tables(conn)


def test_module_database_keeps_its_own_writes_between_tests(conn: psycopg.Connection[Any]) -> None:
    assert "written_by_module_a" in _tables(conn)


def test_factory_databases_are_distinct_and_clean(database_factory: Any, database_url: str) -> None:
    first, second = database_factory(), database_factory()
    assert len({first, second, database_url}) == 3
    with psycopg.connect(first, row_factory=dict_row) as c1:
        c1.execute("CREATE TABLE only_in_first (x int)")
        c1.commit()
    with psycopg.connect(second, row_factory=dict_row) as c2:
        assert "only_in_first" not in _tables(c2)
        assert "written_by_module_a" not in _tables(c2)
