"""Apply one migration: its own transaction, timeouts, NOTICEs checked, deployed code called.

The flow per transactional migration (docs/design.md, "The deployer", steps 5 and 6):

1. ``BEGIN``; ``SET LOCAL lock_timeout`` and ``statement_timeout``;
2. snapshot functions, views and relations; run each statement, capturing NOTICEs;
3. every ``vete:expect-notice`` text must appear in a NOTICE;
4. in a savepoint that is rolled back: the verify script, then the NULL-argument probe of
   every PL/pgSQL function the file created or replaced, then plpgsql_check on each of them
   when the server has it (errors refuse, warnings are reported); then (from migration 017
   on) the grants on vete's objects checked against ``vete.intended_grants`` (``grants.py``);
5. write history in the same transaction, then ``COMMIT``. Any failure rolls back all.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pglast
import psycopg
from psycopg import sql

from vete.deploy import catalog, grants, plpgsql_check
from vete.deploy.distribute import place_new_tables, prepare_migration
from vete.deploy.files import Migration
from vete.deploy.queries import catalog as catalog_sql
from vete.deploy.queries import history
from vete.errors import DeployError, VerifyFailed


@dataclass(frozen=True, slots=True)
class Timeouts:
    """``lock_retries``: how often a migration that hit ``lock_timeout`` is tried again.

    A short ``lock_timeout`` bounds how long the statements queued behind a migration's
    ALTER wait; retried a few times, it still gets its turn between the application's
    transactions (adopt: 200 ms, 50 tries, docs/adopt.md).
    """

    lock_timeout: str = "5s"
    statement_timeout: str = "5min"
    lock_retries: int = 0
    retry_pause_s: float = 0.5


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying one migration did."""

    migration: Migration
    duration_ms: int
    notices: tuple[str, ...]
    change: catalog.Change
    probed: tuple[str, ...] = field(default=())
    static_check: plpgsql_check.Check = field(default_factory=plpgsql_check.Check)
    #: On a distributed database: the tables the migration created, laid out as the layout
    #: file says ("public.x: made distributed").
    placed: tuple[str, ...] = ()


class _Rollback(Exception):
    """Internal: abort the migration's transaction after a check failed."""


def statements(migration: Migration) -> list[tuple[int, str]]:
    """The file's statements with the line each starts on (PostgreSQL's own parser)."""
    try:
        slices = pglast.split(migration.sql, with_parser=True, only_slices=True)
    except pglast.parser.ParseError as exc:
        raise DeployError(f"{migration.label}: SQL does not parse: {exc}") from exc
    return [(migration.sql.count("\n", 0, s.start) + 1, migration.sql[s]) for s in slices]


def _run_statements(
    conn: psycopg.Connection[Any], migration: Migration, notices: list[str]
) -> None:
    for number, (line, text) in enumerate(statements(migration), start=1):
        try:
            conn.execute(text)
        except psycopg.Error as exc:
            message = (exc.diag.message_primary or str(exc)).strip()
            raise DeployError(
                f"{migration.label}: statement {number} (line {line}) failed: {message}"
                f" (SQLSTATE {exc.sqlstate})"
            ) from exc
    missing = [t for t in migration.expect_notices if not any(t in n for n in notices)]
    if missing:
        seen = "; ".join(notices) if notices else "none"
        raise DeployError(
            f"{migration.label}: expected NOTICE not raised: {', '.join(repr(m) for m in missing)}"
            f" (NOTICEs seen: {seen})"
        )


def run_verify_script(conn: psycopg.Connection[Any], migration: Migration) -> None:
    """Run the migration's verify script in a savepoint that is rolled back."""
    if migration.verify_sql is None:
        return
    try:
        with conn.transaction():
            conn.execute(migration.verify_sql)
            raise psycopg.Rollback()
    except psycopg.Error as exc:
        message = (exc.diag.message_primary or str(exc)).strip()
        raise VerifyFailed(
            f"{migration.label}: verify script failed: {message} (SQLSTATE {exc.sqlstate})"
        ) from exc


def check_deployed(
    conn: psycopg.Connection[Any], migration: Migration, functions: tuple[catalog.FunctionInfo, ...]
) -> tuple[str, ...]:
    """Verify script, then the generic probe; raises VerifyFailed naming what broke."""
    run_verify_script(conn, migration)
    failures = catalog.probe(conn, functions)
    if failures:
        raise VerifyFailed(f"{migration.label}: " + "; ".join(str(f) for f in failures))
    return tuple(f.signature for f in functions if f.language == "plpgsql" and not f.is_trigger)


def check_statically(
    conn: psycopg.Connection[Any], migration: Migration, functions: tuple[catalog.FunctionInfo, ...]
) -> plpgsql_check.Check:
    """plpgsql_check on what the migration deployed; raises VerifyFailed on any error.

    After the probe, so that a body the probe can run keeps the probe's message; this
    finds what the call did not reach (statements behind an early return, inside a
    handler that swallows errors).
    """
    result = plpgsql_check.check(conn, migration, functions)
    if result.errors:
        raise VerifyFailed(
            f"{migration.label}: plpgsql_check: " + "; ".join(str(f) for f in result.errors)
        )
    return result


def apply_migration(
    conn: psycopg.Connection[Any],
    migration: Migration,
    *,
    migration_set: str,
    timeouts: Timeouts,
    backup: dict[str, Any] | None = None,
    on_commit: Callable[[psycopg.Connection[Any]], None] | None = None,
) -> Applied:
    """Apply one migration, or raise with the database exactly as before it.

    ``on_commit`` runs last inside the migration's transaction (events, Supabase history).
    """
    if migration.no_transaction:
        # Not retried on a lock timeout: the file may have built half its indexes (it sets
        # its own lock_timeout for what may wait long without blocking anyone).
        return _apply_outside_transaction(
            conn,
            migration,
            migration_set=migration_set,
            timeouts=timeouts,
            backup=backup,
            on_commit=on_commit,
        )
    for attempt in itertools.count():
        started = time.perf_counter()
        try:
            with collecting_notices(conn) as notices, conn.transaction():
                set_local_timeouts(conn, timeouts)
                prepare_migration(conn)
                before = catalog.snapshot(conn)
                _run_statements(conn, migration, notices)
                file_notices = tuple(notices)
                change = catalog.diff(before, catalog.snapshot(conn))
                return _check_and_record(
                    conn,
                    migration,
                    migration_set=migration_set,
                    started=started,
                    notices=file_notices,
                    change=change,
                    backup=backup,
                    on_commit=on_commit,
                )
        except DeployError as exc:
            if attempt >= timeouts.lock_retries or not _lock_timed_out(exc):
                raise
            # Rolled back: nothing held, the application runs on; try again a little later.
            time.sleep(timeouts.retry_pause_s * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def _lock_timed_out(exc: BaseException) -> bool:
    return isinstance(exc.__cause__, psycopg.errors.LockNotAvailable)


@contextmanager
def collecting_notices(conn: psycopg.Connection[Any]) -> Iterator[list[str]]:
    """The NOTICEs the server sends while the block runs, in order (for ``expect-notice``)."""
    notices: list[str] = []

    def on_notice(diag: psycopg.errors.Diagnostic) -> None:
        notices.append(diag.message_primary or "")

    conn.add_notice_handler(on_notice)
    try:
        yield notices
    finally:
        conn.remove_notice_handler(on_notice)


def _apply_outside_transaction(
    conn: psycopg.Connection[Any],
    migration: Migration,
    *,
    migration_set: str,
    timeouts: Timeouts,
    backup: dict[str, Any] | None,
    on_commit: Callable[[psycopg.Connection[Any]], None] | None,
) -> Applied:
    """``vete:no-transaction`` files: statement by statement, then indexes checked valid."""
    was_autocommit = conn.autocommit
    conn.autocommit = True
    started = time.perf_counter()
    try:
        conn.execute(
            sql.SQL(
                "SET lock_timeout = {}; SET statement_timeout = {};"
                # killed mid-statement: the server stops within a second (see below)
                " SET client_connection_check_interval = 1000"
            ).format(sql.Literal(timeouts.lock_timeout), sql.Literal(timeouts.statement_timeout))
        )
        drop_invalid_leftovers(conn, migration)
        invalid_before = {r["name"] for r in catalog_invalid_indexes(conn)}
        before = catalog.snapshot(conn)
        with collecting_notices(conn) as notices:
            try:
                _run_statements(conn, migration, notices)
                failure = None
            except DeployError as exc:
                failure = exc
        invalid = sorted({r["name"] for r in catalog_invalid_indexes(conn)} - invalid_before)
        if failure is not None or invalid:
            left = (
                f"; it left invalid indexes {', '.join(invalid)}: the next deploy drops"
                " and builds them again"
                if invalid
                else ""
            )
            reason = str(failure) if failure else f"{migration.label}: a concurrent build failed"
            raise DeployError(reason + left) from failure
    finally:
        conn.execute(
            "RESET lock_timeout; RESET statement_timeout; RESET client_connection_check_interval"
        )
        conn.autocommit = was_autocommit
    change = catalog.diff(before, catalog.snapshot(conn))
    with conn.transaction():
        return _check_and_record(
            conn,
            migration,
            migration_set=migration_set,
            started=started,
            notices=tuple(notices),
            change=change,
            backup=backup,
            on_commit=on_commit,
        )


def concurrent_index_names(migration: Migration) -> list[str]:
    """The indexes a file builds with CREATE INDEX CONCURRENTLY, schema-qualified."""
    names = []
    for _, text in statements(migration):
        node = pglast.parse_sql(text)[0].stmt
        if isinstance(node, pglast.ast.IndexStmt) and node.concurrent and node.idxname:
            schema = (node.relation.schemaname if node.relation else None) or "public"
            names.append(f"{schema}.{node.idxname}")
    return names


def drop_invalid_leftovers(conn: psycopg.Connection[Any], migration: Migration) -> list[str]:
    """Drop the INVALID indexes an interrupted run of this file left (a killed concurrent build).

    A build killed halfway leaves its index INVALID: it is not used, but still maintained on
    every write, and the file's CREATE would fail on the name. Dropped concurrently, it goes
    without blocking reads or writes; the file then builds it again.
    """
    wanted = concurrent_index_names(migration)
    if not wanted:
        return []
    leftovers = [r["name"] for r in catalog_sql.invalid_indexes_named(conn, names=wanted)]
    for name in leftovers:
        conn.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(
            sql.Identifier(*name.split(".", 1))
        ))  # fmt: skip
    return leftovers


def set_local_timeouts(conn: psycopg.Connection[Any], timeouts: Timeouts) -> None:
    """The current transaction's timeouts, and a second's watch for a vanished client."""
    conn.execute(
        sql.SQL(
            "SET LOCAL lock_timeout = {}; SET LOCAL statement_timeout = {};"
            # A deploy killed mid-statement: the server notices the dead client within a
            # second and rolls back, instead of running on to the end.
            " SET LOCAL client_connection_check_interval = 1000"
        ).format(sql.Literal(timeouts.lock_timeout), sql.Literal(timeouts.statement_timeout))
    )


def _check_and_record(
    conn: psycopg.Connection[Any],
    migration: Migration,
    *,
    migration_set: str,
    started: float,
    notices: tuple[str, ...],
    change: catalog.Change,
    backup: dict[str, Any] | None,
    on_commit: Callable[[psycopg.Connection[Any]], None] | None,
) -> Applied:
    """Inside the migration's transaction: lay out new tables on a distributed database,
    call what it deployed, then write history."""
    placed = tuple(f"{s.table}: {s.action}" for s in place_new_tables(conn))
    probed = check_deployed(conn, migration, change.touched_functions)
    static_check = check_statically(conn, migration, change.touched_functions)
    grants.check(conn, migration, change)
    duration_ms = int((time.perf_counter() - started) * 1000)
    history.record_migration(
        conn,
        migration_set=migration_set,
        version=migration.version,
        name=migration.name,
        checksum=migration.checksum,
        duration_ms=duration_ms,
        notices=json.dumps(list(notices)),
        replaced=json.dumps(change.replaced_json()),
        created=json.dumps(change.created_json()),
        backup=json.dumps(backup) if backup else None,
    )
    if on_commit is not None:
        on_commit(conn)
    return Applied(migration, duration_ms, notices, change, probed, static_check, placed)


def catalog_invalid_indexes(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    return list(catalog_sql.invalid_indexes(conn))


def run_statements(conn: psycopg.Connection[Any], migration: Migration, notices: list[str]) -> None:
    """A file's statements and its expected NOTICEs, as for a migration (redefine.py uses it)."""
    _run_statements(conn, migration, notices)
