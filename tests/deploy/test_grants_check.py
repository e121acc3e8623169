"""After 017, every migration is checked before COMMIT against the intended grants."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.deploy.conftest import Write, deploy, query
from vete.errors import VerifyFailed


@pytest.fixture
def vete_url(database_factory: Callable[..., str]) -> str:
    """A database with vete deployed (on Supabase's default privileges)."""
    return database_factory()


def _anon_can(url: str, privilege: str, table: str) -> bool:
    return bool(
        query(url, "SELECT has_table_privilege('anon', %s, %s) AS ok", table, privilege)[0]["ok"]
    )


def test_a_migration_that_grants_more_than_intended_is_rolled_back(
    vete_url: str, migrations: Write
) -> None:
    folder = migrations("001_leak.sql", "GRANT TRUNCATE ON public.appointments TO anon;")
    with pytest.raises(VerifyFailed, match=r"public\.appointments.*anon.*TRUNCATE"):
        deploy(vete_url, folder)
    assert not _anon_can(vete_url, "TRUNCATE", "public.appointments")


def test_a_new_table_without_intended_grants_is_rolled_back(
    vete_url: str, migrations: Write
) -> None:
    folder = migrations("001_notes.sql", "CREATE TABLE public.notes (id int PRIMARY KEY);")
    with pytest.raises(VerifyFailed, match=r"public\.notes.*no intended grants"):
        deploy(vete_url, folder, allow_lint_errors=True)
    assert query(vete_url, "SELECT to_regclass('public.notes') AS t") == [{"t": None}]


def test_a_new_table_registered_in_the_intended_grants_gets_exactly_them(
    vete_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_notes.sql",
        """
        CREATE TABLE public.notes (id int PRIMARY KEY, body text);
        INSERT INTO vete.intended_grants
            (object_type, object_name, anon, authenticated, service_role)
        VALUES ('table', 'public.notes', '{}', '{"SELECT (id)"}', '{SELECT,INSERT,UPDATE,DELETE}');
        SELECT vete.apply_intended_grants();
        """,
    )
    deploy(vete_url, folder)
    assert not _anon_can(vete_url, "SELECT", "public.notes")
    assert not _anon_can(vete_url, "TRUNCATE", "public.notes")
    columns = query(
        vete_url,
        "SELECT has_column_privilege('authenticated', 'public.notes', 'id', 'SELECT') AS id,"
        " has_column_privilege('authenticated', 'public.notes', 'body', 'SELECT') AS body",
    )
    assert columns == [{"id": True, "body": False}]
    assert query(vete_url, "SELECT count(*) AS n FROM vete.grant_drift()") == [{"n": 0}]
