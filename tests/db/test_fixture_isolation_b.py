"""Twin of module a: each writes its own table and must never see the other's."""

from typing import Any

import psycopg

from tests.db.test_fixture_isolation_a import _tables


def test_module_database_does_not_see_module_as_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute("CREATE TABLE written_by_module_b (x int)")
    conn.commit()
    assert "written_by_module_a" not in _tables(conn)
    assert "only_in_first" not in _tables(conn)
