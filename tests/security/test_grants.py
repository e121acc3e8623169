"""On Supabase's default privileges, vete's objects carry exactly the grants vete means.

The test template is built with Supabase's ``ALTER DEFAULT PRIVILEGES`` in force
(``vete.testing.plugin.build_template``), so every table vete creates in ``public`` starts
with ALL (TRUNCATE included, which row-level security does not stop) for anon and
authenticated. These tests check, as the API roles and independently of vete's own drift
function, that none of it is left.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests.api.conftest import ANA, MARIA
from tests.security.conftest import World
from vete.session import Role, act_as

RELATIONS = """
SELECT c.oid, n.nspname || '.' || c.relname AS name, c.relkind::text AS kind,
       (SELECT a.attname FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
          AND a.attidentity = ''
        ORDER BY a.attnum LIMIT 1) AS first_column
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'vete') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 2
"""
FUNCTIONS = """
SELECT p.oid, n.nspname || '.' || p.oid::regprocedure::text AS raw, p.oid::regprocedure::text AS sig
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname IN ('public', 'vete') AND p.prokind IN ('f', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
"""
WRITES = {
    "TRUNCATE": "TRUNCATE {table}",
    "INSERT": "INSERT INTO {table} DEFAULT VALUES",
    "UPDATE": "UPDATE {table} SET {column} = {column}",
    "DELETE": "DELETE FROM {table}",
}
CALLERS: tuple[tuple[str, UUID | None, Role], ...] = (
    ("anon", None, "anon"),
    ("authenticated owner", MARIA, "authenticated"),
    ("authenticated admin", ANA, "authenticated"),
)
ROLES = ("anon", "authenticated", "service_role")
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
COLUMN_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "REFERENCES")
SEQUENCE_PRIVILEGES = ("USAGE", "SELECT", "UPDATE")
ENTRY = re.compile(r"^\s*([A-Z]+)\s*(?:\((.*)\))?\s*$")
ADOPT_ONLY = {"vete.adopt_resolutions", "vete.adopt_resolutions_id_seq"}


def _rows(url: str, query: str, *params: Any) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(query, params or None).fetchall()  # type: ignore[arg-type]


def _tables(url: str) -> list[dict[str, Any]]:
    return [r for r in _rows(url, RELATIONS) if r["kind"] in ("r", "p")]


def _counts(url: str, tables: list[dict[str, Any]]) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            t["name"]: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(*t["name"].split(".")))
            ).fetchone()[0]  # type: ignore[index]
            for t in tables
        }


@pytest.mark.parametrize(("who", "user_id", "role"), CALLERS, ids=[c[0] for c in CALLERS])
def test_api_roles_cannot_truncate_insert_update_or_delete_any_vete_table(
    world: World, who: str, user_id: UUID | None, role: Role
) -> None:
    tables = _tables(world.url)
    assert len(tables) >= 15
    before = _counts(world.url, tables)
    assert before["public.tenants"] > 0
    assert before["public.profiles"] > 0
    allowed: list[str] = []
    with psycopg.connect(world.url) as conn:
        for table in tables:
            ident = sql.Identifier(*table["name"].split("."))
            column = sql.Identifier(table["first_column"] or "id")
            for verb, template in WRITES.items():
                statement = sql.SQL(template).format(table=ident, column=column)
                try:
                    with conn.transaction(force_rollback=True):
                        act_as(conn, user_id=user_id, role=role)
                        conn.execute(statement)
                except psycopg.errors.InsufficientPrivilege:
                    continue
                except psycopg.Error as exc:
                    allowed.append(f"{verb} {table['name']}: got past privileges ({exc.sqlstate})")
                else:
                    allowed.append(f"{verb} {table['name']}: ran")
    assert allowed == [], f"{who} was not refused (42501): {allowed}"
    assert _counts(world.url, tables) == before


def _spec(url: str) -> dict[str, dict[str, Any]]:
    rows = _rows(url, "SELECT * FROM vete.intended_grants")
    return {r["object_name"]: r for r in rows}


def _parse(entries: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """Table-level privileges and column-level ones (privilege → columns) of a spec cell."""
    whole: set[str] = set()
    columns: dict[str, set[str]] = {}
    for entry in entries:
        match = ENTRY.match(entry)
        assert match, entry
        privilege, cols = match.groups()
        if cols is None:
            whole.add(privilege)
        else:
            columns.setdefault(privilege, set()).update(c.strip() for c in cols.split(","))
    return whole, columns


def _resolve(url: str, spec: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Spec name → oid of the object it names (absent objects left out)."""
    found = {}
    for name, row in spec.items():
        kind = "regprocedure" if row["object_type"] == "function" else "regclass"
        oid = _rows(url, f"SELECT to_{kind}(%s)::oid AS oid", name)[0]["oid"]
        if oid is not None:
            found[name] = oid
    return found


def test_every_vete_object_has_intended_grants(world: World) -> None:
    spec = _spec(world.url)
    oids = _resolve(world.url, spec)
    assert set(spec) - set(oids) <= ADOPT_ONLY, "spec rows naming nothing"
    relations = {r["oid"]: r["name"] for r in _rows(world.url, RELATIONS)}
    functions = {r["oid"]: r["raw"] for r in _rows(world.url, FUNCTIONS)}
    unspecified = sorted(
        {**relations, **functions}[o] for o in {*relations, *functions} - {*oids.values()}
    )
    assert unspecified == []


def test_live_privileges_are_exactly_the_intended_grants(world: World) -> None:
    """Every privilege of PUBLIC, anon, authenticated and service_role on every spec'd
    object, asked of PostgreSQL one by one (has_*_privilege), equals the spec."""
    spec = _spec(world.url)
    oids = _resolve(world.url, spec)
    wrong: list[str] = []
    with psycopg.connect(world.url) as conn:
        version = conn.info.server_version
        table_privileges = TABLE_PRIVILEGES + (("MAINTAIN",) if version >= 170000 else ())
        for name, oid in sorted(oids.items()):
            row = spec[name]
            kind = row["object_type"]
            columns = [
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0"
                    " AND NOT attisdropped",
                    [oid],
                )
            ]
            for role in ("public", *ROLES):
                entries = row[role] if role != "public" else []
                whole, by_column = _parse(entries)
                if "ALL" in whole:
                    whole = set(
                        {"function": ("EXECUTE",), "sequence": SEQUENCE_PRIVILEGES}.get(
                            kind, table_privileges
                        )
                    )
                checks: list[tuple[str, str, bool]] = []
                if kind == "function":
                    checks.append(
                        ("EXECUTE", "has_function_privilege(%s, %s::oid, %s)", "EXECUTE" in whole)
                    )
                elif kind == "sequence":
                    checks += [
                        (p, "has_sequence_privilege(%s, %s::oid, %s)", p in whole)
                        for p in SEQUENCE_PRIVILEGES
                    ]
                else:
                    checks += [
                        (p, "has_table_privilege(%s, %s::oid, %s)", p in whole)
                        for p in table_privileges
                    ]
                for label, query, expected in checks:
                    got = conn.execute(f"SELECT {query}", [role, oid, label]).fetchone()[0]  # type: ignore[index]
                    if got != expected:
                        wrong.append(f"{name} {role} {label}: {got}, intended {expected}")
                if kind in ("table", "view"):
                    for column in columns:
                        for p in COLUMN_PRIVILEGES:
                            expected = p in whole or column in by_column.get(p, set())
                            got = conn.execute(
                                "SELECT has_column_privilege(%s, %s::oid, %s, %s)",
                                [role, oid, column, p],
                            ).fetchone()[0]  # type: ignore[index]
                            if got != expected:
                                wrong.append(
                                    f"{name}.{column} {role} {p}: {got}, intended {expected}"
                                )
    assert wrong == []


def test_revert_017_brings_back_the_016_reads_and_017_applies_again(world: World) -> None:
    from vete.migrations import MIGRATIONS_DIR

    name = "017_grants_and_contact_privacy.sql"
    policy = "SELECT count(*) FROM pg_policy WHERE polname = 'profiles_vets_visible'"
    with psycopg.connect(world.url) as conn, conn.transaction(force_rollback=True):
        conn.execute((MIGRATIONS_DIR / "revert" / name).read_text())  # type: ignore[arg-type]
        assert conn.execute(policy).fetchone() == (1,)
        # The view stays: definitions/identity/clinic_vets.sql owns it.
        assert conn.execute("SELECT to_regclass('public.clinic_vets')").fetchone() is not None
        assert conn.execute(
            "SELECT has_column_privilege('anon', 'public.tenants', 'settings', 'SELECT')"
        ).fetchone() == (True,)
        conn.execute((MIGRATIONS_DIR / name).read_text())  # type: ignore[arg-type]
        conn.execute((MIGRATIONS_DIR / "verify" / name).read_text())  # type: ignore[arg-type]
        assert conn.execute(policy).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM vete.grant_drift()").fetchone() == (0,)
