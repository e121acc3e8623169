"""Repeatable definitions: ``definitions/<domain>/<name>.sql`` re-applied when its checksum changes.

Each test writes a migration set of its own (versioned files for the tables, a definitions
tree for functions, views, triggers and policies) and deploys it to an empty database.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli_runner import run_vete
from tests.deploy.conftest import Write, deploy, query
from tests.deploy.test_plpgsql_check import (
    load_original_schema,
    original_088,
    server_offers_plpgsql_check,
)
from vete.db import connect
from vete.deploy import maintain
from vete.deploy.apply import Timeouts
from vete.deploy.source import Source
from vete.errors import DeployError, MigrationFileError, VerifyFailed

TABLES = """
CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price int NOT NULL DEFAULT 0);
INSERT INTO items VALUES (1, 'bone', 10), (2, 'ball', 20);
"""

QUOTE_V1 = """
-- vete:expect-notice quote v1 defined
CREATE OR REPLACE FUNCTION public.quote(p_item int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT price FROM items WHERE id = p_item);
END $$;
COMMENT ON FUNCTION public.quote(int) IS 'the price, version 1';
DO $$ BEGIN RAISE NOTICE 'quote v1 defined'; END $$;
"""

QUOTE_V2 = """
CREATE OR REPLACE FUNCTION public.quote(p_item int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT price * 2 FROM items WHERE id = p_item);
END $$;
COMMENT ON FUNCTION public.quote(int) IS 'the price, version 2';
"""

# Runs for every call, NULL arguments too: the NULL-argument probe sees it fail.
QUOTE_BROKEN = """
CREATE OR REPLACE FUNCTION public.quote(p_item int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
    SELECT count(*) INTO n FROM items FOR UPDATE;
    RETURN n;
END $$;
"""

LABEL = """
CREATE OR REPLACE FUNCTION public.label(p_item int) RETURNS text LANGUAGE sql STABLE
    AS 'SELECT name FROM items WHERE id = p_item';
"""

Define = Callable[..., Path]


@pytest.fixture
def define(migrations: Write) -> Define:
    """``define("pricing/quote", "SQL", verify=...)`` writes ``definitions/pricing/quote.sql``."""
    folder = migrations("001_items.sql", TABLES)

    def write(key: str, body: str, *, verify: str | None = None) -> Path:
        domain, name = key.split("/")
        (folder / "definitions" / domain).mkdir(parents=True, exist_ok=True)
        (folder / "definitions" / domain / f"{name}.sql").write_text(textwrap.dedent(body))
        if verify is not None:
            (folder / "definitions" / domain / "verify").mkdir(exist_ok=True)
            (folder / "definitions" / domain / "verify" / f"{name}.sql").write_text(verify)
        return folder

    return write


def functiondef(url: str, signature: str) -> str | None:
    rows = query(
        url,
        "SELECT pg_get_functiondef(to_regprocedure(%s)) AS d,"
        " obj_description(to_regprocedure(%s), 'pg_proc') AS c",
        signature,
        signature,
    )
    return f"{rows[0]['d']}\n-- comment: {rows[0]['c']}" if rows[0]["d"] else None


def row_version(url: str, signature: str) -> str:
    """The catalog row's xmin: it changes whenever anything rewrites the function."""
    return str(
        query(
            url, "SELECT xmin::text AS x FROM pg_proc WHERE oid = to_regprocedure(%s)", signature
        )[0]["x"]
    )


def definition_rows(url: str) -> list[tuple[str, str]]:
    rows = query(url, "SELECT definition, checksum FROM vete.schema_definitions ORDER BY id")
    return [(r["definition"], r["checksum"]) for r in rows]


def revert_definition(url: str, folder: Path, key: str, **options: Any) -> dict[str, Any]:
    with connect(url, autocommit=True) as conn:
        return maintain.revert_definition(
            conn, Source(folder, "t"), key, timeouts=Timeouts(), **options
        )


def status_json(url: str, folder: Path) -> dict[str, Any]:
    result = run_vete("db", "status", "--dir", str(folder), "--set", "t", "--json", url=url)
    assert result.returncode in (0, 12), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_definitions_apply_after_migrations_each_with_its_checks(
    fresh_url: str, define: Define
) -> None:
    define("pricing/quote", QUOTE_V1, verify="SELECT 1 / (public.quote(1) = 10)::int;")
    folder = define("pricing/label", LABEL)
    report = deploy(fresh_url, folder)
    assert [a["file"] for a in report.applied] == ["001_items.sql"]
    applied = {d["definition"]: d for d in report.definitions}
    assert list(applied) == ["pricing/label", "pricing/quote"]
    assert applied["pricing/quote"]["notices"] == ["quote v1 defined"]
    assert applied["pricing/quote"]["probed"] == ["quote(integer)"]
    assert applied["pricing/quote"]["defines"] == [{"kind": "function", "name": "quote(integer)"}]
    assert query(fresh_url, "SELECT quote(2) AS q, label(2) AS l") == [{"q": 20, "l": "ball"}]
    events = query(fresh_url, "SELECT kind, name FROM vete.deploy_events ORDER BY id")
    assert [(e["kind"], e["name"]) for e in events] == [
        ("deploy", "items"),
        ("deploy", "definitions/pricing/label.sql"),
        ("deploy", "definitions/pricing/quote.sql"),
    ]


def test_a_changed_definition_is_reapplied_and_nothing_else(fresh_url: str, define: Define) -> None:
    define("pricing/quote", QUOTE_V1)
    folder = define("pricing/label", LABEL)
    deploy(fresh_url, folder)
    label_row = row_version(fresh_url, "label(int)")
    define("pricing/quote", QUOTE_V2)
    report = deploy(fresh_url, folder)
    assert report.applied == []
    assert [d["definition"] for d in report.definitions] == ["pricing/quote"]
    assert query(fresh_url, "SELECT quote(2) AS q") == [{"q": 40}]
    assert row_version(fresh_url, "label(int)") == label_row
    assert [k for k, _ in definition_rows(fresh_url)] == [
        "pricing/label",
        "pricing/quote",
        "pricing/quote",
    ]


def test_an_unchanged_definition_is_not_touched(fresh_url: str, define: Define) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    before = row_version(fresh_url, "quote(int)")
    events = query(fresh_url, "SELECT count(*) AS n FROM vete.deploy_events")
    report = deploy(fresh_url, folder)
    assert report.definitions == []
    assert row_version(fresh_url, "quote(int)") == before
    assert query(fresh_url, "SELECT count(*) AS n FROM vete.deploy_events") == events


def test_a_definition_that_cannot_run_is_refused_and_the_old_one_stays(
    fresh_url: str, define: Define
) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    before = functiondef(fresh_url, "quote(int)")
    define("pricing/quote", QUOTE_BROKEN)
    with pytest.raises(VerifyFailed, match=r"definitions/pricing/quote.sql: quote\(integer\)"):
        deploy(fresh_url, folder)
    assert functiondef(fresh_url, "quote(int)") == before
    assert len(definition_rows(fresh_url)) == 1
    last = query(fresh_url, "SELECT kind, name, ok FROM vete.deploy_events ORDER BY id DESC")[0]
    assert last == {"kind": "fail", "name": "definitions/pricing/quote.sql", "ok": False}
    states = {d["definition"]: d["state"] for d in status_json(fresh_url, folder)["definitions"]}
    assert states == {"pricing/quote": "changed"}


def test_a_definition_whose_verify_script_fails_is_refused(fresh_url: str, define: Define) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    before = functiondef(fresh_url, "quote(int)")
    define("pricing/quote", QUOTE_V2, verify="SELECT 1 / (public.quote(1) = 10)::int;")
    with pytest.raises(VerifyFailed, match="verify script failed: division by zero"):
        deploy(fresh_url, folder)
    assert functiondef(fresh_url, "quote(int)") == before


def test_the_originals_088_as_a_definition_is_refused_and_the_old_one_stays(
    fresh_url: str, migrations: Write
) -> None:
    if not server_offers_plpgsql_check(fresh_url):
        pytest.skip("plpgsql_check is not available on this server (it runs on PostgreSQL 15)")
    load_original_schema(fresh_url)
    text = original_088().replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    head, _, _ = text.partition("AS $$")
    working = head + "AS $$ BEGIN RETURN jsonb_build_object('success', true); END $$;\n"
    folder = migrations("001_nothing.sql", "SELECT 1;")
    (folder / "definitions" / "booking").mkdir(parents=True)
    file = folder / "definitions" / "booking" / "book_appointment_atomic.sql"
    file.write_text(working)
    deploy(fresh_url, folder, allow_lint_errors=True)
    signature = "book_appointment_atomic(text,uuid,uuid,uuid,timestamptz,int,text,text,uuid)"
    before = functiondef(fresh_url, signature)
    file.write_text(text)
    with pytest.raises(VerifyFailed, match="FOR UPDATE is not allowed with aggregate functions"):
        deploy(fresh_url, folder, allow_lint_errors=True)
    assert functiondef(fresh_url, signature) == before


def test_revert_puts_back_the_previous_definition_exactly(fresh_url: str, define: Define) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    v1 = functiondef(fresh_url, "quote(int)")
    define("pricing/quote", QUOTE_V2)
    deploy(fresh_url, folder)
    assert functiondef(fresh_url, "quote(int)") != v1
    done = revert_definition(fresh_url, folder, "pricing/quote")
    assert done["restored"] == [{"kind": "function", "name": "quote(integer)"}]
    assert functiondef(fresh_url, "quote(int)") == v1
    assert len(definition_rows(fresh_url)) == 1
    states = {d["definition"]: d["state"] for d in status_json(fresh_url, folder)["definitions"]}
    assert states == {"pricing/quote": "changed"}
    last = query(fresh_url, "SELECT kind, name FROM vete.deploy_events ORDER BY id DESC")[0]
    assert last == {"kind": "revert", "name": "definitions/pricing/quote.sql"}


def test_revert_of_a_first_definition_drops_what_it_created_only_when_asked(
    fresh_url: str, define: Define
) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    with pytest.raises(DeployError, match="pass --drop-new"):
        revert_definition(fresh_url, folder, "pricing/quote")
    assert functiondef(fresh_url, "quote(int)") is not None
    revert_definition(fresh_url, folder, "pricing/quote", drop_new=True)
    assert functiondef(fresh_url, "quote(int)") is None
    assert definition_rows(fresh_url) == []


def test_a_view_on_a_sql_function_applies_after_the_function_it_requires(
    fresh_url: str, define: Define
) -> None:
    # Alphabetically the view comes first; CREATE VIEW checks the function exists.
    define(
        "a_reports/priced_items",
        """
        -- vete:requires z_pricing/doubled
        CREATE OR REPLACE VIEW public.priced_items AS
            SELECT id, public.doubled(price) AS price FROM items;
        """,
    )
    folder = define(
        "z_pricing/doubled",
        "CREATE OR REPLACE FUNCTION public.doubled(int) RETURNS int LANGUAGE sql"
        " IMMUTABLE AS 'SELECT $1 * 2';\n",
    )
    report = deploy(fresh_url, folder)
    assert [d["definition"] for d in report.definitions] == [
        "z_pricing/doubled",
        "a_reports/priced_items",
    ]
    assert query(fresh_url, "SELECT price FROM priced_items WHERE id = 2") == [{"price": 40}]


def test_a_dependency_cycle_is_refused_naming_the_files(fresh_url: str, define: Define) -> None:
    define("a/one", "-- vete:requires b/two\nCREATE OR REPLACE VIEW one AS SELECT 1 AS x;\n")
    folder = define(
        "b/two", "-- vete:requires a/one\nCREATE OR REPLACE VIEW two AS SELECT 2 AS x;\n"
    )
    with pytest.raises(MigrationFileError, match="cycle") as caught:
        deploy(fresh_url, folder)
    assert "definitions/a/one.sql" in str(caught.value)
    assert "definitions/b/two.sql" in str(caught.value)
    assert query(fresh_url, "SELECT to_regclass('vete.schema_definitions') AS t") == [{"t": None}]


def test_a_requirement_on_a_missing_definition_is_refused(define: Define) -> None:
    folder = define(
        "a/one", "-- vete:requires b/nothing\nCREATE OR REPLACE VIEW one AS SELECT 1;\n"
    )
    with pytest.raises(MigrationFileError, match="requires b/nothing, which has no file"):
        Source(folder, "t").load()


def test_a_definition_that_creates_a_table_is_refused(define: Define) -> None:
    folder = define("a/one", "CREATE TABLE one (id int);\n")
    with pytest.raises(MigrationFileError, match="CREATE TABLE .*versioned migration"):
        Source(folder, "t").load()


def test_a_definition_that_cannot_be_rerun_is_refused(fresh_url: str, define: Define) -> None:
    folder = define("a/one", "CREATE VIEW one AS SELECT 1 AS x;\n")
    with pytest.raises(DeployError, match="cannot be applied twice"):
        deploy(fresh_url, folder)
    assert query(fresh_url, "SELECT to_regclass('one') AS t") == [{"t": None}]


def test_trigger_and_policy_definitions_are_recorded_and_reverted(
    fresh_url: str, define: Define
) -> None:
    define(
        "pricing/stamp",
        """
        CREATE OR REPLACE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$;
        """,
    )
    policy_v1 = """
        -- vete:requires pricing/stamp
        CREATE OR REPLACE TRIGGER items_stamp BEFORE INSERT ON items
            FOR EACH ROW EXECUTE FUNCTION public.stamp();
        DROP POLICY IF EXISTS items_cheap ON items;
        CREATE POLICY items_cheap ON items FOR SELECT TO PUBLIC USING (price < 15);
        """
    folder = define("pricing/items_rules", policy_v1)
    first = deploy(fresh_url, folder)
    assert first.definitions[1]["defines"] == [
        {"kind": "trigger", "name": "items_stamp ON items"},
        {"kind": "policy", "name": "items_cheap ON items"},
    ]
    policies = "SELECT policyname, qual FROM pg_policies WHERE tablename = 'items'"
    before = query(fresh_url, policies)
    define(
        "pricing/items_rules",
        policy_v1.replace("price < 15", "price < 25").replace("BEFORE INSERT", "BEFORE UPDATE"),
    )
    deploy(fresh_url, folder)
    assert query(fresh_url, policies) != before
    revert_definition(fresh_url, folder, "pricing/items_rules")
    assert query(fresh_url, policies) == before
    trigger = query(
        fresh_url, "SELECT pg_get_triggerdef(oid) AS d FROM pg_trigger WHERE tgname = 'items_stamp'"
    )
    assert "BEFORE INSERT" in trigger[0]["d"]


def test_a_removed_definition_is_refused_while_its_objects_live_then_retired(
    fresh_url: str, define: Define
) -> None:
    define("pricing/quote", QUOTE_V1)
    folder = define("pricing/label", LABEL)
    deploy(fresh_url, folder)
    (folder / "definitions" / "pricing" / "label.sql").unlink()
    states = {d["definition"]: d["state"] for d in status_json(fresh_url, folder)["definitions"]}
    assert states == {"pricing/label": "removed", "pricing/quote": "applied"}
    with pytest.raises(MigrationFileError, match=r"definitions/pricing/label.sql was removed"):
        deploy(fresh_url, folder)
    assert functiondef(fresh_url, "label(int)") is not None
    (folder / "002_drop_label.sql").write_text("DROP FUNCTION public.label(int);\n")
    report = deploy(fresh_url, folder)
    assert report.retired == ["pricing/label"]
    states = {d["definition"]: d["state"] for d in status_json(fresh_url, folder)["definitions"]}
    assert states == {"pricing/quote": "applied"}


def test_status_and_plan_show_new_changed_and_applied_definitions(
    fresh_url: str, define: Define
) -> None:
    define("pricing/quote", QUOTE_V1)
    folder = define("pricing/label", LABEL)
    before = status_json(fresh_url, folder)["definitions"]
    assert {d["definition"]: d["state"] for d in before} == {
        "pricing/label": "new",
        "pricing/quote": "new",
    }
    deploy(fresh_url, folder)
    define("pricing/quote", QUOTE_V2)
    after = {d["definition"]: d["state"] for d in status_json(fresh_url, folder)["definitions"]}
    assert after == {"pricing/label": "applied", "pricing/quote": "changed"}
    result = run_vete("db", "plan", "--dir", str(folder), "--set", "t", "--json", url=fresh_url)
    assert result.returncode == 0, result.stderr
    planned = json.loads(result.stdout)["definitions"]
    assert [(p["definition"], p["state"]) for p in planned] == [("pricing/quote", "changed")]
    text = run_vete("db", "status", "--dir", str(folder), "--set", "t", url=fresh_url)
    assert "pricing/quote" in text.stdout
    assert "changed" in text.stdout


def test_cli_revert_definition_and_history(fresh_url: str, define: Define) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    deploy(fresh_url, folder)
    v1 = functiondef(fresh_url, "quote(int)")
    define("pricing/quote", QUOTE_V2)
    deploy(fresh_url, folder)
    result = run_vete(
        "db", "revert", "--dir", str(folder), "--set", "t", "--definition", "pricing/quote",
        url=fresh_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "reverted definitions/pricing/quote.sql" in result.stdout
    assert functiondef(fresh_url, "quote(int)") == v1
    history = run_vete("db", "history", url=fresh_url, env={"COLUMNS": "200"})
    assert "definitions/pricing/quote.sql" in history.stdout


def test_the_definitions_table_is_created_for_a_database_deployed_before_it_existed(
    fresh_url: str, define: Define
) -> None:
    folder = define("pricing/quote", QUOTE_V1)
    (folder / "definitions" / "pricing" / "quote.sql").rename(folder / "quote.later")
    deploy(fresh_url, folder)
    query(fresh_url, "DROP TABLE vete.schema_definitions")
    (folder / "quote.later").rename(folder / "definitions" / "pricing" / "quote.sql")
    report = deploy(fresh_url, folder)
    assert [d["definition"] for d in report.definitions] == ["pricing/quote"]


def test_an_applied_migration_rewritten_with_its_old_checksum_declared_stays_applied(
    fresh_url: str, migrations: Write
) -> None:
    """How a migration moves its functions into definitions without a manual step: the
    rewritten file names the checksum it was applied with (Liquibase's validCheckSum)."""
    folder = migrations("001_items.sql", TABLES + LABEL)
    deploy(fresh_url, folder)
    applied = query(fresh_url, "SELECT checksum FROM vete.schema_migrations")[0]["checksum"]
    migrations("001_items.sql", TABLES)
    states = status_json(fresh_url, folder)["migrations"]
    assert [s["state"] for s in states] == ["changed"]
    migrations("001_items.sql", f"-- vete:valid-checksum {applied}\n{TABLES}")
    (folder / "definitions" / "pricing").mkdir(parents=True)
    (folder / "definitions" / "pricing" / "label.sql").write_text(LABEL)
    before = functiondef(fresh_url, "label(int)")
    report = deploy(fresh_url, folder)
    assert report.applied == []
    assert [d["definition"] for d in report.definitions] == ["pricing/label"]
    assert report.definitions[0]["replaced"] == [{"kind": "function", "name": "label(integer)"}]
    assert functiondef(fresh_url, "label(int)") == before
    assert [s["state"] for s in status_json(fresh_url, folder)["migrations"]] == ["applied"]


def test_a_valid_checksum_that_is_not_a_sha256_is_refused(migrations: Write) -> None:
    folder = migrations("001_items.sql", "-- vete:valid-checksum abc\nSELECT 1;\n")
    with pytest.raises(MigrationFileError, match="valid-checksum needs a sha256"):
        Source(folder, "t").load()
