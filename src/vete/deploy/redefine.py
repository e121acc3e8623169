"""Re-apply a changed definition with a migration's safety; compare definitions with history.

A definition (``definitions/<domain>/<name>.sql``, see definitions.py) is applied like a
migration (apply.py), in its own transaction:

1. ``SET LOCAL`` timeouts; the functions, views, triggers and policies as they are;
2. its statements, each NOTICE captured, every ``vete:expect-notice`` required;
3. what it defines: every such object whose catalog row this transaction wrote;
4. in a savepoint rolled back: the file applied a second time (it will be, at its next
   change, so it must be re-runnable), its verify script, the NULL-argument probe and
   plpgsql_check of the functions it defines;
5. a row in ``vete.schema_definitions`` with the checksum, the objects it defines and their
   previous definitions (``vete db revert --definition`` puts those back), then COMMIT.

History state per definition: ``new`` (a file never applied), ``changed`` (checksum differs
from the live row), ``applied``, ``dropped`` (applied, but an object it defines is gone: a
revert or a versioned migration dropped it, so it is applied again), ``removed`` (the live
row's file is gone).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg

from vete.deploy import apply as applying
from vete.deploy import catalog, grants, plpgsql_check
from vete.deploy.definitions import DEFINITIONS_DIR, Definition
from vete.deploy.files import MigrationSet
from vete.deploy.queries import definitions as queries
from vete.errors import DeployError, MigrationFileError

#: Restore in this order (a view needs its function, a trigger its function), drop in reverse.
KIND_ORDER = ("function", "view", "trigger", "policy")


def label_of(key: str) -> str:
    return f"{DEFINITIONS_DIR}/{key}.sql"


@dataclass(frozen=True, slots=True)
class DefinitionState:
    definition: str
    state: str  # new | changed | applied | dropped | removed
    file: str
    applied_at: str | None
    file_checksum: str | None
    applied_checksum: str | None
    defines: list[dict[str, str]] = field(default_factory=list)
    still_live: list[str] = field(default_factory=list)  # removed: objects that still exist

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def current_rows(conn: psycopg.Connection[Any], set_name: str) -> dict[str, dict[str, Any]]:
    """The live row of each definition of a set (retired ones left out)."""
    if not queries.definitions_table_exists(conn):
        return {}
    rows = queries.current_definitions(conn, migration_set=set_name)
    return {r["definition"]: r for r in rows if r["checksum"] is not None}


def states(
    conn: psycopg.Connection[Any], mset: MigrationSet, set_name: str
) -> list[DefinitionState]:
    """Files in dependency order, then removed ones by name."""
    rows = current_rows(conn, set_name)
    live = {(o["kind"], o["name"]) for o in objects(conn).values()} if rows else set()
    result: list[DefinitionState] = []
    for d in mset.definitions:
        row = rows.get(d.key)
        state = "new" if row is None else "applied" if row["checksum"] == d.checksum else "changed"
        if row is not None and state == "applied" and _any_gone(row, live):
            state = "dropped"  # a revert or a versioned migration dropped what it defines
        result.append(_state(d.key, state, d.checksum, row))
    removed = sorted(set(rows) - {d.key for d in mset.definitions})
    if removed:
        for key in removed:
            entry = _state(key, "removed", None, rows[key])
            entry.still_live.extend(
                o["name"] for o in entry.defines if (o["kind"], o["name"]) in live
            )
            result.append(entry)
    return result


def _any_gone(row: dict[str, Any], live: set[tuple[str, str]]) -> bool:
    return any((o["kind"], o["name"]) not in live for o in row["defines"])


def _state(
    key: str, state: str, file_checksum: str | None, row: dict[str, Any] | None
) -> DefinitionState:
    return DefinitionState(
        definition=key,
        state=state,
        file=label_of(key),
        applied_at=row["applied_at"].isoformat() if row else None,
        file_checksum=file_checksum,
        applied_checksum=row["checksum"] if row else None,
        defines=list(row["defines"]) if row else [],
    )


def to_apply(mset: MigrationSet, found: list[DefinitionState]) -> list[Definition]:
    """New, changed and dropped definitions, in dependency order."""
    wanted = {s.definition for s in found if s.state in ("new", "changed", "dropped")}
    return [d for d in mset.definitions if d.key in wanted]


def objects(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Functions, views, triggers and policies by (kind, name), with restore and drop SQL."""
    return {(r["kind"], r["name"]): r for r in queries.definable_objects(conn)}


@dataclass(frozen=True, slots=True)
class Redefined:
    """What applying one definition did."""

    definition: Definition
    duration_ms: int
    notices: tuple[str, ...]
    defines: list[dict[str, str]]
    replaced: list[dict[str, str]]
    created: list[dict[str, str]]
    probed: tuple[str, ...]
    static_check: plpgsql_check.Check

    def as_json(self) -> dict[str, Any]:
        return {
            "definition": self.definition.key,
            "file": self.definition.label,
            "checksum": self.definition.checksum,
            "duration_ms": self.duration_ms,
            "notices": list(self.notices),
            "defines": self.defines,
            "replaced": [_ref(o) for o in self.replaced],
            "created": [_ref(o) for o in self.created],
            "probed": list(self.probed),
            "plpgsql_check": self.static_check.as_json(),
        }


def _ref(obj: dict[str, Any]) -> dict[str, str]:
    return {"kind": obj["kind"], "name": obj["name"]}


def _ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda o: (KIND_ORDER.index(o["kind"]), o["name"]))


def apply_definition(
    conn: psycopg.Connection[Any],
    definition: Definition,
    *,
    migration_set: str,
    timeouts: applying.Timeouts,
    on_commit: Callable[[psycopg.Connection[Any]], None] | None = None,
) -> Redefined:
    """Apply one definition, or raise with the database exactly as before it."""
    migration = definition.as_migration()
    started = time.perf_counter()
    with applying.collecting_notices(conn) as notices, conn.transaction():
        applying.set_local_timeouts(conn, timeouts)
        before = objects(conn)
        applying.run_statements(conn, migration, notices)
        file_notices = tuple(notices)
        after = objects(conn)
        touched = [key for key, o in after.items() if o["touched"]]
        gone = [o for key, o in before.items() if key not in after]
        replaced = _ordered([before[k] for k in touched if k in before] + gone)
        created = _ordered([after[k] for k in touched if k not in before])
        _apply_again(conn, definition)
        grants.settle_definition(
            conn,
            definition.label,
            [o["name"] for o in created if o["kind"] in ("function", "view")],
        )
        signatures = {name for kind, name in touched if kind == "function"}
        functions = tuple(
            info for sig, info in catalog.snapshot(conn).functions.items() if sig in signatures
        )
        probed = applying.check_deployed(conn, migration, functions)
        static_check = applying.check_statically(conn, migration, functions)
        duration_ms = int((time.perf_counter() - started) * 1000)
        defines = [_ref(o) for o in _ordered([after[k] for k in touched])]
        queries.record_definition(
            conn,
            migration_set=migration_set,
            definition=definition.key,
            checksum=definition.checksum,
            defines=json.dumps(defines),
            replaced=json.dumps(replaced, default=str),
            created=json.dumps(created, default=str),
            notices=json.dumps(list(file_notices)),
            duration_ms=duration_ms,
        )
        if on_commit is not None:
            on_commit(conn)
    return Redefined(
        definition, duration_ms, file_notices, defines, replaced, created, probed, static_check
    )


def _apply_again(conn: psycopg.Connection[Any], definition: Definition) -> None:
    """The file once more, in a savepoint rolled back: its next change will re-apply it."""
    try:
        with conn.transaction():
            for _line, text in applying.statements(definition.as_migration()):
                conn.execute(text)
            raise psycopg.Rollback()
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        raise DeployError(
            f"{definition.label} cannot be applied twice ({message}, SQLSTATE {exc.sqlstate}):"
            " it is re-applied whenever it changes, so write CREATE OR REPLACE, and"
            " DROP … IF EXISTS before CREATE POLICY"
        ) from exc


def refuse_live_removals(found: list[DefinitionState]) -> list[str]:
    """Removed definitions whose objects are gone (to retire); refuses while any still live."""
    live = [s for s in found if s.state == "removed" and s.still_live]
    if live:
        detail = "; ".join(
            f"{s.file} was removed but {', '.join(s.still_live)} still exist" for s in live
        )
        raise MigrationFileError(
            f"{detail}: nothing is dropped silently — restore the file, or drop them in a"
            " versioned migration"
        )
    return [s.definition for s in found if s.state == "removed"]


def retire(conn: psycopg.Connection[Any], migration_set: str, key: str) -> None:
    """A removed definition whose objects a versioned migration dropped: no longer live."""
    queries.record_definition(
        conn,
        migration_set=migration_set,
        definition=key,
        checksum=None,
        defines="[]",
        replaced="[]",
        created="[]",
        notices="[]",
        duration_ms=0,
    )


def revert_one(
    conn: psycopg.Connection[Any], key: str, row: dict[str, Any], *, drop_new: bool
) -> dict[str, Any]:
    """Inside the caller's transaction: put back what the live row replaced, drop what it made."""
    created = _ordered(list(row["created"]))
    if created and not drop_new:
        names = ", ".join(o["name"] for o in created)
        raise DeployError(
            f"{label_of(key)} created {names} when it was applied; pass --drop-new to drop"
            " them (check no caller needs them first)"
        )
    for obj in reversed(created):
        conn.execute(obj["drop"])
    replaced = _ordered(list(row["replaced"]))
    for obj in replaced:
        conn.execute(obj["restore"])
    queries.forget_definition(conn, id=row["id"])
    return {
        "definition": key,
        "file": label_of(key),
        "restored": [_ref(o) for o in replaced],
        "dropped": [_ref(o) for o in created],
    }
