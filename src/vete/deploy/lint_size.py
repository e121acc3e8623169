"""Lint rules for a live, large table: statements that rewrite it or hold a strong lock on
it for as long as the data takes (docs/deploy.md, "Lint"; numbers from docs/adopt.md).

Squawk already names blocking index builds, constraints without ``NOT VALID``, column type
changes, volatile defaults and ``SET NOT NULL``; these are the cases it misses or
misadvises. Each applies to a table the same file did not create: a table created in the
file is empty, and nobody else can be waiting on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

Statement = tuple[int, str, Any]  # line, text, parse tree

BATCHES = (
    "backfill in batches instead: a -- vete:no-transaction file whose DO block walks the"
    " primary key and COMMITs every few thousand rows (adopt_migrations/005 does)"
)
REWRITES = {
    AlterTableType.AT_SetLogged: "ALTER TABLE … SET LOGGED",
    AlterTableType.AT_SetUnLogged: "ALTER TABLE … SET UNLOGGED",
    AlterTableType.AT_SetTableSpace: "ALTER TABLE … SET TABLESPACE",
}


def _relname(relation: ast.RangeVar | None) -> str:
    return str(relation.relname) if relation is not None else ""


def _created(statements: Iterable[Statement]) -> set[str]:
    return {_relname(s.relation) for _, _, s in statements if isinstance(s, ast.CreateStmt)}


def _alter_findings(stmt: ast.AlterTableStmt) -> Iterator[tuple[str, str]]:
    table = _relname(stmt.relation)
    for cmd in stmt.cmds or ():
        definition = cmd.def_
        if cmd.subtype in REWRITES:
            yield (
                "rewrites-table",
                f"{REWRITES[cmd.subtype]} rewrites {table} under ACCESS EXCLUSIVE (reads and"
                " writes wait for the copy): create the new table beside it, fill it in"
                " batches and swap, or do it in a maintenance window",
            )
        elif cmd.subtype == AlterTableType.AT_AddColumn and isinstance(definition, ast.ColumnDef):
            kinds = {c.contype for c in definition.constraints or ()}
            if ConstrType.CONSTR_GENERATED in kinds:
                yield (
                    "stored-generated-column",
                    f"a STORED generated column rewrites {table} under ACCESS EXCLUSIVE (24.7 s"
                    " at 2,000,000 appointments): add a plain column kept by a trigger and"
                    f" {BATCHES}, or index the expression itself",
                )
            if ConstrType.CONSTR_CHECK in kinds:
                yield (
                    "column-check-scans-table",
                    f"a CHECK on the new column is verified over every row of {table} under"
                    " ACCESS EXCLUSIVE: add the column, then ADD CONSTRAINT … CHECK (…) NOT VALID"
                    " and VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on)",
                )
        elif (
            cmd.subtype == AlterTableType.AT_AddConstraint
            and isinstance(definition, ast.Constraint)
            and definition.contype == ConstrType.CONSTR_EXCLUSION
        ):
            yield (
                "exclusion-constraint-locks-table",
                f"an exclusion constraint builds its index over {table} under ACCESS EXCLUSIVE"
                " (380 s at 2,000,000 appointments), and PostgreSQL can neither add it NOT VALID"
                " nor attach it to an index built CONCURRENTLY: enforce the rule with a trigger"
                " that takes a lock and reads an index built CONCURRENTLY (docs/adopt.md, 'At"
                " size'), or create the table with the constraint",
            )


def size_findings(
    statements: list[Statement], *, no_transaction: bool
) -> Iterator[tuple[int, str, str]]:
    """(line, rule, message) for each statement that rewrites or long-locks an existing table."""
    created = _created(statements)
    for line, _, stmt in statements:
        found: list[tuple[str, str]] = []
        if isinstance(stmt, ast.AlterTableStmt) and _relname(stmt.relation) not in created:
            found += _alter_findings(stmt)
        elif isinstance(stmt, ast.VacuumStmt) and any(
            o.defname == "full" for o in stmt.options or ()
        ):
            found.append(("rewrites-table", "VACUUM FULL rewrites each table under ACCESS"
                          " EXCLUSIVE: use pg_repack, or plain VACUUM"))  # fmt: skip
        elif isinstance(stmt, ast.ClusterStmt):
            found.append(("rewrites-table", "CLUSTER rewrites the table under ACCESS EXCLUSIVE:"
                          " use pg_repack --order-by, outside the deploy"))  # fmt: skip
        elif (
            isinstance(stmt, ast.UpdateStmt | ast.DeleteStmt)
            and stmt.whereClause is None
            and _relname(stmt.relation) not in created
        ):
            verb = "UPDATE" if isinstance(stmt, ast.UpdateStmt) else "DELETE"
            where = "" if no_transaction else ", held until the migration commits"
            found.append((
                "unbatched-backfill",
                f"{verb} of every row of {_relname(stmt.relation)} in one statement locks each"
                f" row it reaches{where}: {BATCHES}",
            ))  # fmt: skip
        elif isinstance(stmt, ast.LockStmt) and not no_transaction:
            found.append((
                "lock-table",
                "LOCK TABLE holds its lock until the migration commits, whatever runs after it:"
                " let each statement take the lock it needs, under the deploy's lock_timeout",
            ))  # fmt: skip
        for rule, message in found:
            yield line, rule, message
