"""Lint: squawk's DDL rules plus the three rules the original platform paid for."""

from __future__ import annotations

import pytest

from tests.deploy.conftest import Write, deploy, query
from vete.deploy.files import load_migrations
from vete.deploy.lint import lint_migration
from vete.errors import LintFailed


def rules(
    folder_writer: Write, body: str, overloaded: set[tuple[str, str]] | None = None
) -> set[str]:
    folder = folder_writer("001_x.sql", body)
    migration = load_migrations(folder).migrations[0]
    return {f.rule for f in lint_migration(migration, overloaded=overloaded) if f.level == "error"}


def test_exception_when_others_that_swallows_is_an_error(migrations: Write) -> None:
    body = """
    CREATE FUNCTION f() RETURNS jsonb LANGUAGE plpgsql AS $$
    BEGIN
        RETURN '{}';
    EXCEPTION WHEN OTHERS THEN
        RETURN jsonb_build_object('success', false, 'error', 'UNEXPECTED_ERROR');
    END $$;
    """
    assert "exception-when-others" in rules(migrations, body)


def test_exception_when_others_that_reraises_is_fine(migrations: Write) -> None:
    body = """
    CREATE FUNCTION f() RETURNS jsonb LANGUAGE plpgsql AS $$
    BEGIN
        RETURN '{}';
    EXCEPTION WHEN OTHERS THEN
        RAISE;
    END $$;
    """
    assert "exception-when-others" not in rules(migrations, body)


def test_exception_when_others_in_a_do_block_is_an_error(migrations: Write) -> None:
    body = "DO $$ BEGIN PERFORM 1; EXCEPTION WHEN OTHERS THEN NULL; END $$;"
    assert "exception-when-others" in rules(migrations, body)


def test_security_definer_needs_search_path(migrations: Write) -> None:
    unsafe = "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';"
    safe = (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER"
        " SET search_path = pg_catalog AS 'SELECT 1';"
    )
    assert "security-definer-search-path" in rules(migrations, unsafe)
    assert "security-definer-search-path" not in rules(migrations, safe)


@pytest.mark.parametrize(
    "statement",
    [
        "GRANT EXECUTE ON FUNCTION reschedule TO authenticated;",
        "COMMENT ON FUNCTION public.reschedule IS 'x';",
        "DROP FUNCTION IF EXISTS reschedule CASCADE;",
    ],
)
def test_unqualified_overloaded_function_is_an_error(migrations: Write, statement: str) -> None:
    overloaded = {("public", "reschedule")}
    assert "overloaded-function-without-args" in rules(migrations, statement, overloaded)
    assert "overloaded-function-without-args" not in rules(migrations, statement, set())


def test_squawk_finds_dangerous_ddl(migrations: Write) -> None:
    folder = migrations("001_x.sql", "ALTER TABLE pets ADD COLUMN chip text NOT NULL;")
    found = {f.rule for f in lint_migration(load_migrations(folder).migrations[0])}
    assert "adding-required-field" in found
    assert all(f.source == "squawk" for f in lint_migration(load_migrations(folder).migrations[0]))


def test_deploy_refuses_lint_errors_against_the_real_catalog(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_two.sql",
        """
        CREATE FUNCTION reschedule(a int) RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE FUNCTION reschedule(a int, b int) RETURNS int LANGUAGE sql AS 'SELECT 2';
        """,
    )
    deploy(fresh_url, folder)
    migrations("002_grant.sql", "GRANT EXECUTE ON FUNCTION reschedule TO PUBLIC;")
    with pytest.raises(LintFailed, match="reschedule has several overloads"):
        deploy(fresh_url, folder)
    assert query(fresh_url, "SELECT max(version) AS v FROM vete.schema_migrations") == [{"v": 1}]


def test_exception_when_others_is_found_where_the_plpgsql_parser_cannot_read_the_body(
    migrations: Write,
) -> None:
    # pglast's PL/pgSQL parser rejects variables typed from schemas other than public.
    body = """
    CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
    DECLARE v_rule vete.rules;
    BEGIN
        RETURN 1;
    EXCEPTION WHEN OTHERS THEN
        RETURN 0;
    END $$;
    """
    assert "exception-when-others" in rules(migrations, body)
    assert "exception-when-others" not in rules(migrations, body.replace("RETURN 0;", "RAISE;"))


def grant_rules(folder_writer: Write, body: str, *, required: bool = True) -> list[str]:
    folder = folder_writer("017_x.sql", body)
    migration = load_migrations(folder).migrations[0]
    level = "error" if required else "warning"
    return [
        f.message
        for f in lint_migration(migration, require_grants=required)
        if f.rule == "grants-not-declared" and f.level == level
    ]


@pytest.mark.parametrize(
    ("create", "target"),
    [
        ("CREATE TABLE public.notes (id int PRIMARY KEY);", "TABLE public.notes"),
        ("CREATE VIEW public.note_names AS SELECT 1 AS id;", "TABLE public.note_names"),
        ("CREATE SEQUENCE public.note_seq;", "SEQUENCE public.note_seq"),
        (
            "CREATE FUNCTION public.note_count() RETURNS int LANGUAGE sql AS 'SELECT 1';",
            "FUNCTION public.note_count()",
        ),
    ],
)
def test_creating_an_object_without_revoking_from_every_api_role_is_an_error(
    migrations: Write, create: str, target: str
) -> None:
    assert len(grant_rules(migrations, create)) == 1
    # REVOKE FROM PUBLIC alone leaves Supabase's default grants to anon and authenticated.
    assert len(grant_rules(migrations, f"{create}\nREVOKE ALL ON {target} FROM PUBLIC;")) == 1
    revoked = f"{create}\nREVOKE ALL ON {target} FROM PUBLIC, anon, authenticated, service_role;"
    assert grant_rules(migrations, revoked) == []


def test_registering_an_object_in_the_intended_grants_declares_its_grants(
    migrations: Write,
) -> None:
    body = """
    CREATE TABLE public.notes (id int PRIMARY KEY);
    INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
    VALUES ('table', 'public.notes', '{}', '{SELECT}', '{SELECT,INSERT,UPDATE,DELETE}');
    SELECT vete.apply_intended_grants();
    """
    assert grant_rules(migrations, body) == []
    other = body.replace("'public.notes', '{}'", "'public.other', '{}'")
    assert len(grant_rules(migrations, other)) == 1


def test_missing_grants_are_a_warning_outside_vetes_own_migrations(migrations: Write) -> None:
    body = "CREATE TABLE public.notes (id int PRIMARY KEY);"
    assert len(grant_rules(migrations, body, required=False)) == 1
    assert grant_rules(migrations, body, required=True) != []


def test_vetes_own_migrations_declare_the_grants_of_what_they_create() -> None:
    from vete.deploy.runner import GRANTS_DECLARED_FROM
    from vete.migrations import MIGRATIONS_DIR

    checked = [
        m for m in load_migrations(MIGRATIONS_DIR).migrations if m.version >= GRANTS_DECLARED_FROM
    ]
    assert checked
    found = [
        str(f)
        for m in checked
        for f in lint_migration(m, require_grants=True)
        if f.rule == "grants-not-declared"
    ]
    assert found == []
