"""The ``vete-adopt`` migration set: adopt's own SQL around vete's migrations, minus what exists.

Each file in ``adopt_migrations/`` (with ``revert/`` and ``verify/`` siblings) is adopt's own
SQL with lines ``-- adopt:include NNN``. At such a line the statements of vete's migration
NNN (its revert script in a revert file, its verify script in a verify file) are spliced
in, except those about the original's tables, which already exist: their ``CREATE TABLE``,
``CREATE INDEX``, ``COMMENT ON`` table, column, constraint or index, and ``DROP TABLE``.
Everything else of vete's file runs as vete wrote it (new tables, grants, data, its
NOTICE), so adopt reuses vete's migrations instead of copying them. The result
is an ordinary :class:`~vete.deploy.files.MigrationSet`: applied, probed, verified, recorded
and reverted by the deployer like any other.

vete's functions, views, triggers and policies are not in its migrations but in their
definition files (``migrations/definitions/``), written against vete's newest tables: adopt
applies them after this set, with vete's later migrations, as vete's own deploy does
(:func:`vete.deploy.adopt.take_over`), so they are recorded once, in vete's history.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path
from typing import Any

import pglast
from pglast import ast
from pglast.enums import ObjectType

from vete.deploy.files import Migration, MigrationSet, checksum, load_migrations
from vete.deploy.source import Source
from vete.migrations import MIGRATIONS_DIR

ADOPT_SET = "vete-adopt"
ADOPT_DIR = Path(__file__).parent / "adopt_migrations"
INCLUDE_RE = re.compile(r"^--\s*adopt:include\s+(\d{3})\s*$", re.MULTILINE)

#: The original platform's tables (docs/original.md): they exist, so vete's statements
#: creating, commenting or dropping them are left out.
ORIGINAL_TABLES = frozenset(
    {
        "tenants",
        "profiles",
        "pets",
        "services",
        "appointments",
        "store_products",
        "store_inventory",
        "store_carts",
    }
)

_TABLE_COMMENTS = {
    ObjectType.OBJECT_TABLE,
    ObjectType.OBJECT_COLUMN,
    ObjectType.OBJECT_TABCONSTRAINT,
}


def _names(items: Any) -> list[str]:
    return [str(i.sval) for i in items or () if isinstance(i, ast.String)]


def _relname(relation: ast.RangeVar | None) -> str:
    return str(relation.relname) if relation is not None else ""


def _keeps(node: ast.Node, skipped_indexes: set[str]) -> bool:
    """False for a statement about one of the original's tables (see the module docstring)."""
    if isinstance(node, ast.CreateStmt):
        return _relname(node.relation) not in ORIGINAL_TABLES
    if isinstance(node, ast.IndexStmt):
        if _relname(node.relation) in ORIGINAL_TABLES:
            skipped_indexes.add(str(node.idxname))
            return False
        return True
    if isinstance(node, ast.CommentStmt):
        names: list[str] = _names(node.object) if isinstance(node.object, tuple) else []
        if node.objtype in _TABLE_COMMENTS:
            # [schema,] table[, column or constraint]
            table = names[1] if len(names) >= 2 and names[0] == "public" else names[0]
            return table not in ORIGINAL_TABLES
        if node.objtype == ObjectType.OBJECT_INDEX:
            return bool(names) and names[-1] not in skipped_indexes
        return True
    if isinstance(node, ast.DropStmt) and node.removeType == ObjectType.OBJECT_TABLE:
        tables = [_names(o)[-1] for o in node.objects or ()]
        return not any(t in ORIGINAL_TABLES for t in tables)
    return True


def missing_statements(text: str) -> str:
    """The statements of one vete SQL file that do not touch the original's tables."""
    kept: list[str] = []
    skipped_indexes: set[str] = set()
    for piece in pglast.split(text, with_parser=True, only_slices=True):
        statement = text[piece].strip()
        node = pglast.parse_sql(statement)[0].stmt
        if node is None or _keeps(node, skipped_indexes):
            kept.append(statement.rstrip(";") + ";")
    return "\n\n".join(kept) + "\n"


@cache
def _vete_migrations() -> dict[int, Migration]:
    return load_migrations(MIGRATIONS_DIR).by_version()


def _expand(text: str, part: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with each include line replaced by that part of vete's migration."""
    vete = _vete_migrations()
    included: list[int] = []

    def splice(match: re.Match[str]) -> str:
        version = int(match[1])
        migration = vete[version]
        included.append(version)
        source = {
            "sql": migration.sql,
            "revert": migration.revert_sql,
            "verify": migration.verify_sql,
        }[part]
        if source is None:
            return f"-- vete {migration.label}: no {part} script\n"
        if part != "verify":
            return f"-- from vete {migration.label} ({part})\n{missing_statements(source)}"
        # vete runs each verify script in a savepoint of its own; so does the splice.
        point = f"adopt_verify_{version:03d}"
        return (
            f"-- from vete {migration.label} (verify)\nSAVEPOINT {point};\n{source}\n"
            f"ROLLBACK TO SAVEPOINT {point};\n"
        )

    return INCLUDE_RE.sub(splice, text), tuple(included)


def compose(migration: Migration) -> Migration:
    """One adopt file with vete's statements spliced in, its checksum over the result."""
    text, included = _expand(migration.sql, "sql")
    vete = _vete_migrations()
    notices = migration.expect_notices + tuple(n for v in included for n in vete[v].expect_notices)
    revert = _expand(migration.revert_sql, "revert")[0] if migration.revert_sql else None
    verify = _expand(migration.verify_sql, "verify")[0] if migration.verify_sql else None
    return dataclasses.replace(
        migration,
        sql=text,
        checksum=checksum(text),
        expect_notices=notices,
        revert_sql=revert,
        verify_sql=verify,
    )


def included_versions() -> tuple[int, ...]:
    """vete's migrations whose effect the adopt set brings about (the baseline it records)."""
    versions: set[int] = set()
    for migration in load_migrations(ADOPT_DIR).migrations:
        versions.update(int(v) for v in INCLUDE_RE.findall(migration.sql))
    return tuple(sorted(versions))


def load_adopt_set() -> MigrationSet:
    files = load_migrations(ADOPT_DIR)
    return dataclasses.replace(files, migrations=tuple(compose(m) for m in files.migrations))


def adopt_source() -> Source:
    return Source(directory=ADOPT_DIR, set_name=ADOPT_SET, loader=load_adopt_set)
