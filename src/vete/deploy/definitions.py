"""Repeatable definitions on disk: one current file per function, view, trigger or policy.

Beside its versioned ``NNN_name.sql`` files a migration set may hold a tree::

    definitions/
      booking/                               the domain
        book_appointment_atomic.sql          one object, or a tightly bound group
        verify/book_appointment_atomic.sql   optional: raises to fail

A definition is known by ``domain/name`` (``booking/book_appointment_atomic``). It is
re-applied whenever its checksum changes (Flyway's repeatable migrations, Liquibase's
``runOnChange``), so it must hold only what can be applied again: ``CREATE OR REPLACE``
functions, procedures, views and triggers, ``DROP … IF EXISTS`` then ``CREATE POLICY``, their
``COMMENT``s, ``GRANT``s and ``REVOKE``s, ``ALTER FUNCTION``, and ``DO`` blocks (for a NOTICE).
Tables and data stay in versioned migrations: any other statement is refused here.

Directives, as in migrations::

    -- vete:expect-notice <text>     a NOTICE containing <text> must be raised
    -- vete:requires <domain/name>   applied after that definition (may repeat)

Definitions are returned in dependency order: each after those it requires, otherwise by
name; a cycle is refused naming its files.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from pathlib import Path

import pglast
from pglast import ast
from pglast.enums import ObjectType

from vete.deploy.files import DIRECTIVE_RE, Migration, checksum, normalized
from vete.errors import MigrationFileError

DEFINITIONS_DIR = "definitions"
PART_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
DIRECTIVES = {"expect-notice", "requires"}

#: Statements a definition may hold: the objects it defines and what belongs to them.
ALLOWED_STATEMENTS = (
    ast.CreateFunctionStmt,
    ast.AlterFunctionStmt,
    ast.ViewStmt,
    ast.CreateTrigStmt,
    ast.CreatePolicyStmt,
    ast.AlterPolicyStmt,
    ast.CommentStmt,
    ast.GrantStmt,
    ast.AlterOwnerStmt,
    ast.DoStmt,
)
DROPPABLE = {
    ObjectType.OBJECT_FUNCTION,
    ObjectType.OBJECT_PROCEDURE,
    ObjectType.OBJECT_ROUTINE,
    ObjectType.OBJECT_VIEW,
    ObjectType.OBJECT_TRIGGER,
    ObjectType.OBJECT_POLICY,
}


@dataclass(frozen=True, slots=True)
class Definition:
    """One definition file and what its directives ask for."""

    key: str  # domain/name
    path: Path
    sql: str
    checksum: str
    requires: tuple[str, ...] = ()
    expect_notices: tuple[str, ...] = ()
    verify_sql: str | None = None

    @property
    def label(self) -> str:
        return f"{DEFINITIONS_DIR}/{self.key}.sql"

    def as_migration(self) -> Migration:
        """The same text as a migration, so that it runs through the migration's checks."""
        return Migration(
            version=0,
            name=self.key,
            path=self.path,
            sql=self.sql,
            checksum=self.checksum,
            expect_notices=self.expect_notices,
            verify_sql=self.verify_sql,
            display=self.label,
        )


def _refuse_table_work(label: str, text: str) -> None:
    """Tables and data belong in versioned migrations: refuse any other statement."""
    try:
        slices = pglast.split(text, with_parser=True, only_slices=True)
    except pglast.parser.ParseError as exc:
        raise MigrationFileError(f"{label}: SQL does not parse: {exc}") from exc
    for piece in slices:
        statement = text[piece]
        node = pglast.parse_sql(statement)[0].stmt
        allowed = isinstance(node, ALLOWED_STATEMENTS) or (
            isinstance(node, ast.DropStmt) and node.removeType in DROPPABLE
        )
        if not allowed:
            line = text.count("\n", 0, piece.start) + 1
            what = " ".join(statement.split()[:2]).upper()
            raise MigrationFileError(
                f"{label} line {line}: {what} belongs in a versioned migration (a definition"
                " holds functions, views, triggers and policies, with their comments and grants)"
            )


def parse_definition(root: Path, path: Path) -> Definition:
    domain, name = path.parent.name, path.stem
    key = f"{domain}/{name}"
    label = f"{DEFINITIONS_DIR}/{key}.sql"
    if not (PART_RE.match(domain) and PART_RE.match(name)):
        raise MigrationFileError(
            f"{label}: not a definition name (want definitions/<domain>/<name>.sql,"
            " lower case letters, digits and _)"
        )
    try:
        text = normalized(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise MigrationFileError(f"{label}: not UTF-8 text ({exc.reason})") from exc
    notices: list[str] = []
    requires: list[str] = []
    for directive in DIRECTIVE_RE.finditer(text):
        key_, value = directive["key"], directive["value"]
        if key_ not in DIRECTIVES:
            known = ", ".join(sorted(DIRECTIVES))
            raise MigrationFileError(
                f"{label}: vete:{key_} is not for definitions (known: {known})"
            )
        if not value:
            raise MigrationFileError(f"{label}: vete:{key_} needs a value")
        (notices if key_ == "expect-notice" else requires).append(value)
    _refuse_table_work(label, text)
    verify = path.parent / "verify" / path.name
    return Definition(
        key=key,
        path=path,
        sql=text,
        checksum=checksum(text),
        requires=tuple(requires),
        expect_notices=tuple(notices),
        verify_sql=normalized(verify.read_text(encoding="utf-8")) if verify.is_file() else None,
    )


def _files(root: Path) -> list[Path]:
    """``<domain>/<name>.sql`` under ``root``; SQL anywhere else is refused."""
    found: list[Path] = []
    stray: list[str] = []
    for domain in sorted(root.iterdir()):
        if not domain.is_dir():
            if domain.suffix == ".sql":
                stray.append(domain.name)
            continue
        for item in sorted(domain.iterdir()):
            if item.is_file() and item.suffix == ".sql":
                found.append(item)
            elif item.is_dir() and item.name == "verify":
                orphans = [p.name for p in item.glob("*.sql") if not (domain / p.name).is_file()]
                stray += [f"{domain.name}/verify/{o} (no definition of that name)" for o in orphans]
            elif item.is_dir():
                stray.append(f"{domain.name}/{item.name}/")
    if stray:
        raise MigrationFileError(
            f"{root}: not definitions/<domain>/<name>.sql: {', '.join(sorted(stray))}"
        )
    return found


def load_definitions(directory: Path) -> tuple[Definition, ...]:
    """The definitions tree of a migration folder, in dependency order (empty without one)."""
    root = directory / DEFINITIONS_DIR
    if not root.is_dir():
        return ()
    return in_order([parse_definition(root, p) for p in _files(root)])


def check_migration_requires(
    migrations: tuple[Migration, ...], definitions: tuple[Definition, ...]
) -> None:
    """Each ``vete:requires`` of a versioned migration names a definition file."""
    keys = {d.key for d in definitions}
    for m in migrations:
        _refuse_missing(m.label, m.requires, keys)


def _refuse_missing(label: str, requires: tuple[str, ...], keys: set[str]) -> None:
    for needed in requires:
        if needed not in keys:
            raise MigrationFileError(
                f"{label} requires {needed}, which has no file ({DEFINITIONS_DIR}/{needed}.sql)"
            )


def with_requirements(
    definitions: tuple[Definition, ...], keys: tuple[str, ...]
) -> list[Definition]:
    """The definitions named by ``keys`` and all they require, in dependency order."""
    by_key = {d.key: d for d in definitions}
    wanted: set[str] = set()
    todo = list(keys)
    while todo:
        key = todo.pop()
        if key in by_key and key not in wanted:
            wanted.add(key)
            todo.extend(by_key[key].requires)
    return [d for d in definitions if d.key in wanted]


def in_order(definitions: list[Definition]) -> tuple[Definition, ...]:
    """Each definition after those it requires, otherwise by name; cycles refused."""
    by_key = {d.key: d for d in definitions}
    for d in definitions:
        _refuse_missing(d.label, d.requires, set(by_key))
    waiting = {d.key: set(d.requires) for d in definitions}
    ready = [k for k, needs in waiting.items() if not needs]
    heapq.heapify(ready)
    ordered: list[Definition] = []
    while ready:
        key = heapq.heappop(ready)
        ordered.append(by_key[key])
        del waiting[key]
        for other, needs in waiting.items():
            if key in needs:
                needs.discard(key)
                if not needs:
                    heapq.heappush(ready, other)
    if waiting:
        cycle = _a_cycle(waiting)
        raise MigrationFileError(
            "definitions require each other in a cycle: "
            + " → ".join(by_key[k].label for k in cycle)
        )
    return tuple(ordered)


def _a_cycle(waiting: dict[str, set[str]]) -> list[str]:
    """One cycle among definitions that could not be ordered, closed (first == last)."""
    path: list[str] = []
    key = min(waiting)
    while key not in path:
        path.append(key)
        key = min(n for n in waiting[key] if n in waiting)
    return [*path[path.index(key) :], key]
