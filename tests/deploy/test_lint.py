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


def size_rules(folder_writer: Write, body: str) -> list[tuple[int, str]]:
    folder = folder_writer("001_x.sql", body)
    migration = load_migrations(folder).migrations[0]
    return [
        (f.line, f.rule)
        for f in lint_migration(migration)
        if f.source == "vete" and f.level == "warning" and f.rule != "grants-not-declared"
    ]


def test_statements_that_rewrite_or_long_lock_an_existing_table_are_named(
    migrations: Write,
) -> None:
    """Adopt's old 003 (issue 17: 91.9 s of blocked reads and writes), and its kin."""
    found = size_rules(
        migrations,
        "ALTER TABLE appointments ADD COLUMN buffer_minutes int NOT NULL DEFAULT 0\n"
        "    CHECK (buffer_minutes BETWEEN 0 AND 240);\n"
        "ALTER TABLE appointments ADD COLUMN blocked_range tstzrange\n"
        "    GENERATED ALWAYS AS (tstzrange(start_time, end_time)) STORED;\n"
        "ALTER TABLE appointments ADD CONSTRAINT x EXCLUDE USING gist (blocked_range WITH &&);\n"
        "UPDATE appointments SET notes = '';\n"
        "DELETE FROM appointments;\n"
        "VACUUM FULL appointments;\n"
        "CLUSTER appointments USING appointments_pkey;\n"
        "ALTER TABLE appointments SET LOGGED;\n"
        "LOCK TABLE appointments;\n",
    )
    assert found == [
        (1, "column-check-scans-table"),
        (3, "stored-generated-column"),
        (5, "exclusion-constraint-locks-table"),
        (6, "unbatched-backfill"),
        (7, "unbatched-backfill"),
        (8, "rewrites-table"),
        (9, "rewrites-table"),
        (10, "rewrites-table"),
        (11, "lock-table"),
    ]


def test_the_same_statements_on_a_table_the_file_creates_are_fine(migrations: Write) -> None:
    found = size_rules(
        migrations,
        "CREATE TABLE slots (r tstzrange, n int);\n"
        "ALTER TABLE slots ADD COLUMN b int CHECK (b > 0);\n"
        "ALTER TABLE slots ADD CONSTRAINT no_overlap EXCLUDE USING gist (r WITH &&);\n"
        "UPDATE slots SET n = 0;\n"
        "UPDATE appointments SET notes = '' WHERE id = '00000000-0000-0000-0000-000000000000';\n",
    )
    assert found == []


def test_adopts_own_files_pass_the_rules_they_taught() -> None:
    """The no-downtime 003-005 of the adopt set name no rewrite or long lock of appointments."""
    from vete.deploy.adopt_set import load_adopt_set

    files = [m for m in load_adopt_set().migrations if 3 <= m.version <= 5]
    found = [
        str(f)
        for m in files
        for f in lint_migration(m)
        if f.source == "vete" and f.rule not in ("grants-not-declared",)
    ]
    assert found == []
