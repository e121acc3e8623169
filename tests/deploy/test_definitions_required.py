"""What vete's own migrations need to keep their functions in definitions/.

A table may need a function at creation (a CHECK, a generated column, an exclusion
constraint): the versioned migration says ``vete:requires`` and the definition is applied
before it. A definition that creates a function gets exactly its intended grants. Reverting
an old migration does not run an old body over a function a live definition owns.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.deploy.conftest import Write, deploy, query
from tests.deploy.test_definitions import LABEL, TABLES, Define, functiondef, status_json
from tests.deploy.test_definitions import define as define  # the fixture
from vete.db import connect
from vete.deploy import maintain
from vete.deploy.apply import Timeouts
from vete.deploy.files import checksum
from vete.deploy.source import Source
from vete.errors import DeployError, MigrationFileError, VerifyFailed

POSITIVE = """
CREATE OR REPLACE FUNCTION public.is_positive(p int) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT p > 0';
"""

STOCK = """
CREATE TABLE stock (item int PRIMARY KEY, qty int NOT NULL CHECK (public.is_positive(qty)));
"""


def test_a_migration_that_requires_a_definition_gets_it_first(
    fresh_url: str, define: Define, migrations: Write
) -> None:
    define("checks/positive", POSITIVE)
    folder = migrations("002_stock.sql", "-- vete:requires checks/positive\n" + STOCK)
    define("pricing/label", LABEL)
    report = deploy(fresh_url, folder)
    events = query(fresh_url, "SELECT name FROM vete.deploy_events ORDER BY id")
    assert [e["name"] for e in events] == [
        "items",
        "definitions/checks/positive.sql",
        "stock",
        "definitions/pricing/label.sql",
    ]
    assert [d["definition"] for d in report.definitions] == ["checks/positive", "pricing/label"]
    # Applied once: the next deploy has nothing to do.
    again = deploy(fresh_url, folder)
    assert again.applied == []
    assert again.definitions == []


def test_without_the_requirement_the_table_cannot_be_made(
    fresh_url: str, define: Define, migrations: Write
) -> None:
    define("checks/positive", POSITIVE)
    folder = migrations("002_stock.sql", STOCK)
    with pytest.raises(DeployError, match="is_positive"):
        deploy(fresh_url, folder)


def test_a_migration_requiring_a_missing_definition_is_refused(migrations: Write) -> None:
    folder = migrations("001_stock.sql", "-- vete:requires checks/positive\n" + STOCK)
    with pytest.raises(MigrationFileError, match=r"001_stock.sql requires checks/positive"):
        Source(folder, "t").load()
    migrations("001_stock.sql", "-- vete:requires positive\n" + STOCK)
    with pytest.raises(MigrationFileError, match="<domain>/<name>"):
        Source(folder, "t").load()


@pytest.fixture
def vete_url(database_factory: Callable[..., str]) -> str:
    """A database with vete deployed (on Supabase's default privileges)."""
    return database_factory()


SHOUT = """
CREATE OR REPLACE FUNCTION public.shout(p text) RETURNS text
    LANGUAGE sql IMMUTABLE AS 'SELECT upper(p)';
"""


def _anon_may_run(url: str, signature: str) -> bool:
    rows = query(url, "SELECT has_function_privilege('anon', %s, 'EXECUTE') AS ok", signature)
    return bool(rows[0]["ok"])


def test_a_function_a_definition_creates_gets_exactly_its_intended_grants(
    vete_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_list.sql",
        """
        INSERT INTO vete.intended_grants
            (object_type, object_name, anon, authenticated, service_role)
        VALUES ('function', 'public.shout(text)', '{}', '{EXECUTE}', '{EXECUTE}');
        """,
    )
    (folder / "definitions" / "words").mkdir(parents=True)
    (folder / "definitions" / "words" / "shout.sql").write_text(SHOUT)
    deploy(vete_url, folder)
    assert not _anon_may_run(vete_url, "public.shout(text)")
    assert query(vete_url, "SELECT count(*) AS n FROM vete.grant_drift()") == [{"n": 0}]


def test_a_function_a_definition_creates_without_a_grants_row_is_refused(
    vete_url: str, migrations: Write
) -> None:
    folder = migrations("001_nothing.sql", "SELECT 1;")
    (folder / "definitions" / "words").mkdir(parents=True)
    (folder / "definitions" / "words" / "shout.sql").write_text(SHOUT)
    with pytest.raises(VerifyFailed, match=r"shout\(p text\) has no intended grants"):
        deploy(vete_url, folder)
    assert query(vete_url, "SELECT to_regprocedure('public.shout(text)') AS f") == [{"f": None}]


LABEL_V2 = LABEL.replace("SELECT name", "SELECT upper(name)")
LABEL_V3 = LABEL.replace("SELECT name", "SELECT lower(name)")


def test_reverting_an_old_migration_keeps_the_live_definition(
    fresh_url: str, define: Define, migrations: Write
) -> None:
    migrations("001_items.sql", TABLES + LABEL)
    folder = migrations("002_label.sql", LABEL_V2)
    deploy(fresh_url, folder)
    # 002's function moves to a definition, as vete's own migrations do.
    applied = checksum((folder / "002_label.sql").read_text())
    migrations("002_label.sql", f"-- vete:valid-checksum {applied}\nSELECT 1;\n")
    define("pricing/label", LABEL_V3)
    deploy(fresh_url, folder)
    live = functiondef(fresh_url, "label(int)")
    assert live is not None
    assert "lower(name)" in live
    with connect(fresh_url, autocommit=True) as conn:
        maintain.revert(conn, Source(folder, "t"), to_version=1, timeouts=Timeouts())
    assert functiondef(fresh_url, "label(int)") == live


def test_a_definition_whose_object_was_dropped_is_applied_again(
    fresh_url: str, define: Define
) -> None:
    """A revert script or a versioned migration may drop what a definition defines; the
    next deploy puts the current definition back."""
    folder = define("pricing/label", LABEL)
    deploy(fresh_url, folder)
    query(fresh_url, "DROP FUNCTION label(int)")
    states = status_json(fresh_url, folder)["definitions"]
    assert [(s["definition"], s["state"]) for s in states] == [("pricing/label", "dropped")]
    report = deploy(fresh_url, folder)
    assert [d["definition"] for d in report.definitions] == ["pricing/label"]
    assert report.definitions[0]["created"] == [{"kind": "function", "name": "label(integer)"}]
    assert functiondef(fresh_url, "label(int)") is not None


def test_db_verify_reruns_each_live_definitions_verify_script_and_probe(
    fresh_url: str, define: Define
) -> None:
    folder = define("pricing/label", LABEL, verify="SELECT 1 / (public.label(1) = 'bone')::int;")
    deploy(fresh_url, folder)
    with connect(fresh_url, autocommit=True) as conn:
        report = maintain.verify(conn, Source(folder, "t"))
        assert report.ok
        assert [e["name"] for e in report.checked] == ["items", "definitions/pricing/label.sql"]
        query(fresh_url, "UPDATE items SET name = 'stick' WHERE id = 1")
        report = maintain.verify(conn, Source(folder, "t"))
    assert not report.ok
    assert report.failures[0].startswith("definitions/pricing/label.sql: ")
