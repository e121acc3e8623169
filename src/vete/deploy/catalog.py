"""What a migration changed in the catalog, and the probe that calls what it deployed.

A snapshot is taken before and after each migration: the functions and views it replaced
are recorded with their previous definitions (so revert can bring them back exactly), and
every PL/pgSQL function it created or replaced is called once with NULL arguments inside
a savepoint that is rolled back. PL/pgSQL checks a body only when it runs, so a function
such as the original platform's ``SELECT count(*) … FOR UPDATE`` is created without
complaint and fails on every call: the probe makes it fail at deploy time instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from vete.deploy.queries import catalog

# SQLSTATE classes that mean "this body cannot run": 0A feature not supported (FOR UPDATE
# with aggregates …) and 42 syntax error or access rule violation (unknown column …).
BROKEN_BODY_CLASSES = ("0A", "42")
PROBE_TIMEOUT = "5s"


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    signature: str
    definition: str
    language: str
    kind: str
    is_trigger: bool
    schema_name: str
    function_name: str
    is_variadic: bool
    arg_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    functions: dict[str, FunctionInfo]
    views: dict[str, str]
    relations: dict[str, str]


@dataclass(frozen=True, slots=True)
class Change:
    """What one migration did to functions, views and relations."""

    replaced_functions: dict[str, str] = field(default_factory=dict)  # signature -> old def
    dropped_functions: dict[str, str] = field(default_factory=dict)
    created_functions: tuple[str, ...] = ()
    replaced_views: dict[str, str] = field(default_factory=dict)
    dropped_views: dict[str, str] = field(default_factory=dict)
    created_views: tuple[str, ...] = ()
    created_relations: tuple[str, ...] = ()
    dropped_relations: tuple[str, ...] = ()
    touched_functions: tuple[FunctionInfo, ...] = ()  # created or replaced, as they are now

    def replaced_json(self) -> dict[str, Any]:
        return {
            "functions": self.replaced_functions | self.dropped_functions,
            "views": self.replaced_views | self.dropped_views,
        }

    def created_json(self) -> dict[str, Any]:
        return {
            "functions": list(self.created_functions),
            "views": list(self.created_views),
            "relations": list(self.created_relations),
            "dropped_relations": list(self.dropped_relations),
        }


def snapshot(conn: psycopg.Connection[Any]) -> Snapshot:
    functions = {
        r["signature"]: FunctionInfo(**{**r, "arg_types": tuple(r["arg_types"])})
        for r in catalog.function_definitions(conn)
    }
    views = {r["name"]: r["definition"] for r in catalog.view_definitions(conn)}
    relations = {r["name"]: r["kind"] for r in catalog.relations(conn)}
    return Snapshot(functions=functions, views=views, relations=relations)


def diff(before: Snapshot, after: Snapshot) -> Change:
    replaced = {
        sig: info.definition
        for sig, info in before.functions.items()
        if sig in after.functions and after.functions[sig].definition != info.definition
    }
    dropped = {
        sig: info.definition for sig, info in before.functions.items() if sig not in after.functions
    }
    created = tuple(sorted(sig for sig in after.functions if sig not in before.functions))
    touched = tuple(after.functions[s] for s in sorted({*replaced, *created}))
    return Change(
        replaced_functions=replaced,
        dropped_functions=dropped,
        created_functions=created,
        replaced_views={
            name: d
            for name, d in before.views.items()
            if name in after.views and after.views[name] != d
        },
        dropped_views={name: d for name, d in before.views.items() if name not in after.views},
        created_views=tuple(sorted(n for n in after.views if n not in before.views)),
        created_relations=tuple(sorted(n for n in after.relations if n not in before.relations)),
        dropped_relations=tuple(sorted(n for n in before.relations if n not in after.relations)),
        touched_functions=touched,
    )


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    signature: str
    sqlstate: str
    message: str

    def __str__(self) -> str:
        return f"{self.signature} cannot run: {self.message} (SQLSTATE {self.sqlstate})"


def probe_call(info: FunctionInfo) -> sql.Composed:
    """``SELECT schema.fn(NULL::t1, …)`` (or CALL for a procedure)."""
    args = [sql.SQL("NULL::{}").format(sql.SQL(t)) for t in info.arg_types]
    if info.is_variadic and args:
        args[-1] = sql.SQL("VARIADIC ") + args[-1]
    target = sql.Identifier(info.schema_name, info.function_name)
    verb = sql.SQL("CALL") if info.kind == "p" else sql.SQL("SELECT")
    return sql.SQL("{} {}({})").format(verb, target, sql.SQL(", ").join(args))


def probe(conn: psycopg.Connection[Any], functions: tuple[FunctionInfo, ...]) -> list[ProbeFailure]:
    """Call each PL/pgSQL function once with NULL arguments; collect broken bodies.

    Each call runs in its own savepoint that is always rolled back, so the probe writes
    nothing. Business outcomes (a JSON error, a RAISE of the function's own, a NOT NULL
    violation) pass; only errors meaning the body cannot run fail.
    """
    failures: list[ProbeFailure] = []
    for info in functions:
        if info.language != "plpgsql" or info.is_trigger:
            continue
        try:
            with conn.transaction():
                conn.execute(
                    sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(PROBE_TIMEOUT))
                )
                conn.execute(probe_call(info))
                raise psycopg.Rollback()
        except psycopg.Error as exc:
            state = exc.sqlstate or ""
            if state[:2] in BROKEN_BODY_CLASSES:
                message = exc.diag.message_primary or str(exc).strip()
                failures.append(ProbeFailure(info.signature, state, message))
    return failures
