"""plpgsql_check: every PL/pgSQL function a deploy creates or replaces is checked statically.

The tests that need the extension run where the server offers it (CI's PostgreSQL 15, with
``postgresql-15-plpgsql-check``) and are skipped with the reason elsewhere (the embedded
PostgreSQL 18 has no plpgsql_check). The availability report runs on both servers.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pglast
import psycopg
import pytest
from psycopg.rows import dict_row

from tests.cli_runner import run_vete
from tests.deploy.conftest import Write, deploy, query
from vete.deploy import catalog, runner
from vete.errors import VerifyFailed

ORIGINAL = Path(__file__).parents[1] / "adopt" / "fixtures"


def vete(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_vete(*args, url=url, timeout=180)


def server_offers_plpgsql_check(url: str) -> bool:
    rows = query(
        url, "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'plpgsql_check'"
    )
    return bool(rows[0]["n"])


@pytest.fixture
def checked_url(fresh_url: str) -> str:
    """An empty database on a server that offers plpgsql_check; skipped elsewhere."""
    if not server_offers_plpgsql_check(fresh_url):
        version = query(fresh_url, "SHOW server_version")[0]["server_version"]
        pytest.skip(
            f"plpgsql_check is not available on this server (PostgreSQL {version}); these tests"
            " run on PostgreSQL 15 with postgresql-15-plpgsql-check (CI's second run)"
        )
    return fresh_url


def original_088() -> str:
    """The original's ``book_appointment_atomic`` as its migration 088 created it."""
    text = (ORIGINAL / "original_functions.sql").read_text(encoding="utf-8")
    return next(
        s + ";\n" for s in pglast.split(text) if "FUNCTION public.book_appointment_atomic" in s
    )


def load_original_schema(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute((ORIGINAL / "original_schema.sql").read_text(encoding="utf-8"))  # type: ignore[arg-type]


def test_original_088_is_refused_with_its_line_though_a_call_with_nulls_passes(
    checked_url: str, migrations: Write
) -> None:
    load_original_schema(checked_url)
    folder = migrations("088_atomic_appointment_booking.sql", original_088())
    # Why the probe is not enough: NULL arguments return PET_NOT_FOUND before the
    # broken statement, and its EXCEPTION WHEN OTHERS would swallow it anyway.
    with psycopg.connect(checked_url, row_factory=dict_row) as conn:
        conn.execute(original_088())  # type: ignore[arg-type]
        functions = tuple(
            f for f in catalog.snapshot(conn).functions.values()
            if f.function_name == "book_appointment_atomic"
        )  # fmt: skip
        assert len(functions) == 1
        assert catalog.probe(conn, functions) == []
        conn.rollback()
    result = vete(
        checked_url, "db", "deploy", "--dir", str(folder), "--no-backup", "--allow-lint-errors"
    )
    assert result.returncode == 13, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert "088_atomic_appointment_booking.sql: plpgsql_check:" in message
    assert "book_appointment_atomic(text,uuid,uuid,uuid," in message
    # Line 20 of the body is the file's line 32: `SELECT count(*) INTO v_conflicts ...`.
    assert "line 20 (file line 32)" in message
    assert "FOR UPDATE is not allowed with aggregate functions (SQLSTATE 0A000)" in message
    assert query(checked_url, "SELECT to_regproc('public.book_appointment_atomic') AS f") == [
        {"f": None}
    ]
    assert query(checked_url, "SELECT count(*) AS n FROM vete.schema_migrations") == [{"n": 0}]
    events = query(checked_url, "SELECT kind, ok FROM vete.deploy_events ORDER BY id")
    assert [(e["kind"], e["ok"]) for e in events] == [("fail", False)]


def test_clean_function_passes_and_is_listed_as_checked(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_pets.sql",
        """
        CREATE TABLE pets (id int PRIMARY KEY, name text NOT NULL);
        CREATE FUNCTION pet_name(p_id int) RETURNS text LANGUAGE plpgsql AS $$
        BEGIN
            RETURN (SELECT name FROM pets WHERE id = p_id);
        END $$;
        """,
    )
    report = deploy(checked_url, folder)
    assert report.plpgsql_check["state"] == "available"
    check = report.applied[0]["plpgsql_check"]
    assert check == {"checked": ["pet_name(integer)"], "skipped": [], "findings": []}


def test_function_with_only_warnings_deploys_and_the_warning_is_in_the_json_report(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_warn.sql",
        """
        CREATE FUNCTION answer() RETURNS int LANGUAGE plpgsql AS $$
        DECLARE
            v_unused int;
        BEGIN
            RETURN 42;
        END $$;
        """,
    )
    result = vete(checked_url, "db", "deploy", "--dir", str(folder), "--no-backup", "--json")
    assert result.returncode == 0, result.stderr
    applied = json.loads(result.stdout)["applied"]
    assert [a["file"] for a in applied] == ["001_warn.sql"]
    findings = applied[0]["plpgsql_check"]["findings"]
    assert [(f["function"], f["level"], f["message"], f["file_line"]) for f in findings] == [
        ("answer()", "warning", 'unused variable "v_unused"', 4)
    ]
    assert query(checked_url, "SELECT answer() AS a") == [{"a": 42}]


def test_warnings_are_printed_by_a_deploy_on_a_terminal_report(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_warn.sql",
        "CREATE FUNCTION f(p_unused int) RETURNS int LANGUAGE plpgsql"
        " AS $$ BEGIN RETURN 1; END $$;",
    )
    result = vete(checked_url, "db", "deploy", "--dir", str(folder), "--no-backup")
    assert result.returncode == 0, result.stderr
    assert "f(integer) line" not in result.stdout  # a parameter warning has no line
    assert 'plpgsql_check warning extra 001_warn.sql f(integer): unused parameter "p_unused"' in (
        " ".join(result.stdout.split())
    )


def test_vete_own_migrations_pass_plpgsql_check_without_findings(checked_url: str) -> None:
    from vete.deploy.source import vete_source

    report = runner.deploy(
        checked_url, vete_source(), runner.DeployOptions(backup=False), lambda *_: None
    )
    checked = [s for a in report.applied for s in a["plpgsql_check"]["checked"]]
    plpgsql = query(
        checked_url,
        "SELECT p.oid::regprocedure::text AS s FROM pg_proc p"
        " JOIN pg_language l ON l.oid = p.prolang WHERE l.lanname = 'plpgsql'"
        " AND p.oid::regprocedure::text IN (SELECT jsonb_array_elements_text(created->'functions')"
        " FROM vete.schema_migrations WHERE migration_set = 'vete')",
    )
    assert sorted(set(checked)) == sorted(r["s"] for r in plpgsql)
    assert [f for a in report.applied for f in a["plpgsql_check"]["findings"]] == []


def test_trigger_function_is_checked_against_the_table_of_its_trigger(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_trigger.sql",
        """
        CREATE TABLE pets (id int, name text);
        CREATE FUNCTION pets_touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.renamed_at := now();
            RETURN NEW;
        END $$;
        CREATE TRIGGER pets_touch BEFORE UPDATE ON pets FOR EACH ROW EXECUTE FUNCTION pets_touch();
        """,
    )
    with pytest.raises(VerifyFailed, match=r'pets_touch\(\) line 3 \(file line 5\): record "new"'):
        deploy(checked_url, folder)
    assert query(checked_url, "SELECT to_regclass('public.pets') AS t") == [{"t": None}]


def test_trigger_function_without_a_trigger_is_reported_as_not_checked(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_trigger.sql",
        "CREATE FUNCTION t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;",
    )
    report = deploy(checked_url, folder)
    assert report.applied[0]["plpgsql_check"]["skipped"] == [
        "t(): a trigger function with no trigger yet (checked once a trigger uses it)"
    ]


def test_a_temporary_table_is_declared_to_the_check_with_a_pragma(
    checked_url: str, migrations: Write
) -> None:
    body = """
        CREATE FUNCTION scratch_total() RETURNS bigint LANGUAGE plpgsql AS $$
        BEGIN
            {pragma}
            CREATE TEMP TABLE scratch (n int) ON COMMIT DROP;
            INSERT INTO scratch VALUES (1), (2);
            RETURN (SELECT sum(n) FROM scratch);
        END $$;
    """
    folder = migrations("001_scratch.sql", body.format(pragma=""))
    with pytest.raises(VerifyFailed, match='relation "scratch" does not exist'):
        deploy(checked_url, folder)
    pragma = "PERFORM 'PRAGMA:TABLE: scratch (n int)';"
    migrations("001_scratch.sql", body.format(pragma=pragma))
    report = deploy(checked_url, folder)
    assert report.applied[0]["plpgsql_check"] == {
        "checked": ["scratch_total()"],
        "skipped": [],
        "findings": [],
    }
    assert query(checked_url, "SELECT scratch_total() AS n") == [{"n": 3}]


def test_the_extension_created_for_the_check_leaves_no_trace(
    checked_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_f.sql",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;",
    )
    report = deploy(checked_url, folder)
    assert report.applied[0]["plpgsql_check"]["checked"] == ["f()"]
    assert query(
        checked_url,
        "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql_check') AS ext,"
        " (SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%plpgsql_check%') AS schemas",
    ) == [{"ext": 0, "schemas": 0}]


def test_an_installed_extension_is_used_where_it_is_and_kept(
    checked_url: str, migrations: Write
) -> None:
    query(checked_url, "CREATE SCHEMA extensions; CREATE EXTENSION plpgsql_check SCHEMA extensions")
    folder = migrations(
        "001_bad.sql",
        """
        CREATE TABLE pets (id int);
        CREATE FUNCTION f(p_id int) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
            IF p_id IS NULL THEN RETURN 0; END IF;
            RETURN (SELECT chip FROM pets WHERE id = p_id);
        END $$;
        """,
    )
    status = json.loads(vete(checked_url, "db", "status", "--dir", str(folder), "--json").stdout)
    assert status["plpgsql_check"]["state"] == "installed"
    assert status["plpgsql_check"]["schema"] == "extensions"
    with pytest.raises(
        VerifyFailed, match=r'f\(integer\) line 4 \(file line 6\): column "chip" does not'
    ):
        deploy(checked_url, folder)
    assert query(checked_url, "SELECT extnamespace::regnamespace::text AS s FROM pg_extension"
                 " WHERE extname = 'plpgsql_check'") == [{"s": "extensions"}]  # fmt: skip


def test_a_role_that_may_not_create_the_extension_is_told_so(checked_url: str) -> None:
    from vete.deploy import plpgsql_check

    with psycopg.connect(checked_url, autocommit=True, row_factory=dict_row) as conn:
        conn.execute("SET ROLE authenticated")
        found = plpgsql_check.availability(conn)
    assert found.state == "not-permitted"
    assert "permission denied" in found.detail
    assert not found.usable


def test_status_and_lint_say_whether_plpgsql_check_is_available(
    fresh_url: str, migrations: Write
) -> None:
    offered = server_offers_plpgsql_check(fresh_url)
    expected = "available" if offered else "unavailable"
    folder = migrations(
        "001_f.sql",
        "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;",
    )
    status = vete(fresh_url, "db", "status", "--dir", str(folder), "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["plpgsql_check"]["state"] == expected
    lint = vete(fresh_url, "db", "lint", "--dir", str(folder), "--json")
    assert lint.returncode == 0, lint.stderr
    assert json.loads(lint.stdout)["plpgsql_check"]["state"] == expected
    for command in ("status", "lint"):
        human = " ".join(vete(fresh_url, "db", command, "--dir", str(folder)).stdout.split())
        if offered:
            assert "plpgsql_check: available" in human
        else:
            assert "plpgsql_check: not available on this server" in human
    human = vete(fresh_url, "db", "deploy", "--dir", str(folder), "--set", "t", "--no-backup")
    assert human.returncode == 0, human.stderr
    said = " ".join(human.stdout.split())
    if offered:
        assert "plpgsql_check: checked 1 PL/pgSQL function(s)" in said
    else:
        assert "plpgsql_check: not available on this server" in said
    migrations(
        "002_g.sql",
        "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 2; END $$;",
    )
    report = deploy(fresh_url, folder)
    assert report.plpgsql_check["state"] == expected
    check = report.applied[0]["plpgsql_check"]
    assert check["checked"] == (["g()"] if offered else [])


def test_lint_on_files_alone_needs_no_server_and_says_what_it_skipped(migrations: Write) -> None:
    folder = migrations(
        "001_f.sql",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';",
    )
    # A URL nothing listens on: the files-only lint must not try it.
    unreachable = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1"
    result = vete(unreachable, "db", "lint", "--dir", str(folder), "--files-only", "--json")
    assert result.returncode == 15, result.stderr
    report = json.loads(result.stdout)
    assert report["files"] == ["001_f.sql"]
    assert "security-definer-search-path" in {f["rule"] for f in report["findings"]}
    assert report["plpgsql_check"]["state"] == "no-server"
    human = vete(unreachable, "db", "lint", "--dir", str(folder), "--files-only")
    text = " ".join(human.stdout.split())
    assert "plpgsql_check: not run (no server" in text
    assert "overloads: not checked (no server)" in text
