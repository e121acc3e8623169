"""Static checks of PL/pgSQL bodies with the plpgsql_check extension, when the server has it.

PL/pgSQL checks a statement only when it runs. The NULL-argument probe runs a body once,
but stops at the first early return: the original's ``book_appointment_atomic`` returns
``PET_NOT_FOUND`` for NULL arguments before it reaches ``SELECT count(*) … FOR UPDATE``, and
its ``EXCEPTION WHEN OTHERS`` would swallow the error anyway. plpgsql_check prepares every
statement of the body without running it, so it reports that line.

Where the extension comes from, in the target database:

* installed (``CREATE EXTENSION plpgsql_check`` done by its owner, in any schema): used there;
* only available (the server ships it, ``pg_available_extensions``): created in a schema of
  its own inside a savepoint that is rolled back after the check, so the target is left
  exactly as it was — no extension appears in a database because it was deployed to;
* the role may not create it, or the server lacks it (vete's embedded PostgreSQL 18): not
  checked, and ``status``, ``lint`` and the deploy report say so.

Level ``error`` refuses the migration; every other level is a warning that is reported.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import psycopg
from psycopg import sql

from vete.deploy.catalog import FunctionInfo
from vete.deploy.files import Migration
from vete.deploy.queries import SQL_DIR
from vete.deploy.queries import plpgsql_check as queries

State = Literal["installed", "available", "not-permitted", "unavailable", "no-server"]
SCRATCH_SCHEMA = "vete_plpgsql_check"
CHECK_FUNCTION_SQL = (SQL_DIR / "plpgsql_check_function.sql").read_text(encoding="utf-8")
INSTALL_HINT = (
    "on Debian/Ubuntu: apt-get install postgresql-NN-plpgsql-check;"
    " on Supabase: enable plpgsql_check under Database → Extensions"
)


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether a deploy to this target can run plpgsql_check, and how."""

    state: State
    version: str | None = None
    schema: str | None = None
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.state in ("installed", "available")

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "usable": self.usable, "summary": self.describe()}

    def describe(self) -> str:
        """One line for people: what a deploy will do about PL/pgSQL bodies."""
        if self.state == "installed":
            return (
                f"plpgsql_check: installed ({self.version}, schema {self.schema}): deploy checks"
                " every PL/pgSQL function it creates or replaces"
            )
        if self.state == "available":
            return (
                f"plpgsql_check: available ({self.version}): deploy creates it inside a"
                " savepoint it rolls back, checks every PL/pgSQL function it creates or"
                " replaces, and leaves the database without it"
            )
        if self.state == "not-permitted":
            return (
                f"plpgsql_check: available ({self.version}) but this role may not create it"
                f" ({self.detail}): PL/pgSQL bodies are only probed; CREATE EXTENSION"
                " plpgsql_check as its owner to have them checked"
            )
        if self.state == "no-server":
            return f"plpgsql_check: not run ({self.detail})"
        return (
            "plpgsql_check: not available on this server: PL/pgSQL bodies are only probed"
            f" by a call with NULL arguments ({INSTALL_HINT})"
        )


NO_SERVER = Availability(
    "no-server", detail="no server: it checks bodies against the target's catalog at deploy"
)


def availability(conn: psycopg.Connection[Any]) -> Availability:
    """What the target offers; creating the extension is tried in a transaction rolled back."""
    row = queries.extension_state(conn)
    if row["installed_version"] is not None:
        return Availability("installed", row["installed_version"], row["schema_name"])
    if row["available_version"] is None:
        return Availability("unavailable")
    try:
        with conn.transaction():
            queries.create_scratch_extension(conn)
            raise psycopg.Rollback()
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        return Availability("not-permitted", row["available_version"], detail=message)
    return Availability("available", row["available_version"])


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing plpgsql_check reported about one function."""

    file: str
    function: str
    line: int | None  # in the function's body, as plpgsql_check counts
    file_line: int | None  # in the migration file, when the body is written there
    level: str  # error, warning, warning extra, security, performance
    sqlstate: str
    message: str
    detail: str | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def where(self) -> str:
        if self.line is None:
            return self.function
        in_file = f" (file line {self.file_line})" if self.file_line is not None else ""
        return f"{self.function} line {self.line}{in_file}"

    def __str__(self) -> str:
        return f"{self.where()}: {self.message} (SQLSTATE {self.sqlstate})"


@dataclass(frozen=True, slots=True)
class Check:
    """What plpgsql_check did for one migration."""

    checked: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default=())

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    def as_json(self) -> dict[str, Any]:
        return {
            "checked": list(self.checked),
            "skipped": list(self.skipped),
            "findings": [f.as_json() for f in self.findings],
        }


def check(
    conn: psycopg.Connection[Any], migration: Migration, functions: tuple[FunctionInfo, ...]
) -> Check:
    """Check the PL/pgSQL ``functions`` a migration created or replaced; inside its transaction.

    Runs in a savepoint that is always rolled back. Nothing is checked (an empty result)
    when the target cannot run plpgsql_check; the deploy report says why.
    """
    plpgsql = tuple(f for f in functions if f.language == "plpgsql")
    if not plpgsql:
        return Check()
    row = queries.extension_state(conn)
    if row["installed_version"] is None and row["available_version"] is None:
        return Check()
    result = Check()
    with conn.transaction():  # a savepoint, always rolled back
        schema = row["schema_name"] or _scratch_extension(conn)
        if schema is not None:
            result = _check_each(conn, migration, plpgsql, schema)
        raise psycopg.Rollback()
    return result


def _scratch_extension(conn: psycopg.Connection[Any]) -> str | None:
    """Create the extension in a schema of its own, inside the caller's savepoint."""
    try:
        with conn.transaction():
            queries.create_scratch_extension(conn)
    except psycopg.Error:
        return None  # this role may not create it: availability() tells the report why
    return SCRATCH_SCHEMA


def _check_each(
    conn: psycopg.Connection[Any],
    migration: Migration,
    functions: tuple[FunctionInfo, ...],
    schema: str,
) -> Check:
    query = sql.SQL(CHECK_FUNCTION_SQL).format(
        check_function=sql.Identifier(schema, "plpgsql_check_function_tb")
    )
    checked: list[str] = []
    skipped: list[str] = []
    findings: list[Finding] = []
    for info in functions:
        targets = list(queries.check_targets(conn, signature=info.signature))
        if not targets:
            skipped.append(
                f"{info.signature}: a trigger function with no trigger yet"
                " (checked once a trigger uses it)"
            )
            continue
        body_at = _body_line(migration, queries.function_source(conn, signature=info.signature))
        seen: set[tuple[Any, ...]] = set()
        for target in targets:
            try:
                with conn.transaction():
                    rows = conn.execute(query, {"signature": info.signature, **target}).fetchall()
            except psycopg.Error as exc:
                # The checker itself failed (not the body): say so, do not refuse on it.
                message = (exc.diag.message_primary or str(exc)).strip()
                rows = [_not_checked(message, exc.sqlstate)]
            for r in rows:
                key = (r["lineno"], r["level"], r["message"])
                if key in seen:
                    continue
                seen.add(key)
                findings.append(_finding(migration, info, body_at, r))
        checked.append(info.signature)
    return Check(tuple(checked), tuple(skipped), tuple(findings))


def _not_checked(message: str, sqlstate: str | None) -> dict[str, Any]:
    return {
        "lineno": None,
        "level": "warning",
        "sqlstate": sqlstate or "",
        "message": f"plpgsql_check could not check it: {message}",
        "detail": None,
        "hint": None,
    }


def _body_line(migration: Migration, source: str | None) -> int | None:
    """The file line the function's body starts on, when the file holds that body."""
    if not source:
        return None
    at = migration.sql.find(source)
    return None if at < 0 else migration.sql.count("\n", 0, at) + 1


def _finding(
    migration: Migration, info: FunctionInfo, body_at: int | None, row: dict[str, Any]
) -> Finding:
    line = row["lineno"]
    return Finding(
        file=migration.label,
        function=info.signature,
        line=line,
        file_line=body_at + line - 1 if body_at is not None and line is not None else None,
        level=row["level"],
        sqlstate=row["sqlstate"] or "",
        message=row["message"],
        detail=row["detail"],
        hint=row["hint"],
    )
