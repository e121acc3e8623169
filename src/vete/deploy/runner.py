"""The deploy flow (docs/design.md, "The deployer"): name, check, lock, back up, apply, record."""

from __future__ import annotations

import functools
import getpass
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psycopg

from vete.db import Target, connect, describe_target
from vete.deploy import apply as applying
from vete.deploy import backup as backups
from vete.deploy import lint as linting
from vete.deploy import plpgsql_check, redefine
from vete.deploy.definitions import Definition, with_requirements
from vete.deploy.distribute import prepare_api_roles
from vete.deploy.files import Migration, MigrationSet
from vete.deploy.lock import deploy_lock
from vete.deploy.queries import bootstrap_sql, catalog, history
from vete.deploy.source import VETE_SET, Source
from vete.deploy.state import MigrationState, applied_rows, compare
from vete.errors import (
    ChecksumMismatch,
    DeployError,
    LintFailed,
    MigrationFileError,
    TargetNotConfirmed,
)

Progress = Callable[[str, Migration | None], None]


@dataclass(frozen=True)
class DeployOptions:
    yes: bool = False
    lock_url: str | None = None
    lock_wait_s: float = 0.0
    backup: bool = True
    backup_check: backups.Check = "restore"
    backup_dir: Any = None
    rehearse: bool = False
    allow_lint_errors: bool = False
    timeouts: applying.Timeouts = field(default_factory=applying.Timeouts)
    confirm: Callable[[Target], bool] | None = None  # asks on a terminal; None: no terminal


@dataclass
class DeployReport:
    target: dict[str, Any]
    migration_set: str
    applied: list[dict[str, Any]] = field(default_factory=list)
    pending_before: list[str] = field(default_factory=list)
    definitions: list[dict[str, Any]] = field(default_factory=list)  # re-applied, in order
    retired: list[str] = field(default_factory=list)  # removed files whose objects are gone
    lint: list[dict[str, Any]] = field(default_factory=list)
    plpgsql_check: dict[str, Any] = field(default_factory=dict)  # what the target offers
    backup: dict[str, Any] | None = None
    rehearsed: bool = False
    duration_s: float = 0.0
    ok: bool = True
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def who() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return user, socket.gethostname()


def record_event(
    conn: psycopg.Connection[Any],
    kind: str,
    *,
    set_name: str | None,
    ok: bool,
    migration: Migration | None = None,
    detail: dict[str, Any] | None = None,
    name: str | None = None,
) -> None:
    """One row of ``vete.deploy_events``; ``name`` for what is not a migration (a definition)."""
    os_user, host = who()
    history.record_event(
        conn,
        kind=kind,
        migration_set=set_name,
        version=migration.version if migration else None,
        name=migration.name if migration else name,
        ok=ok,
        detail=json.dumps(detail or {}, default=str),
        os_user=os_user,
        client_host=host,
    )


def ensure_history(conn: psycopg.Connection[Any]) -> None:
    with conn.transaction():
        conn.execute(bootstrap_sql())


def target_json(target: Target) -> dict[str, Any]:
    return {
        "host": target.host,
        "port": target.port,
        "database": target.database,
        "server_version": target.server_version,
        "system_identifier": target.system_identifier,
        "local": target.is_local,
    }


def overloaded_names(conn: psycopg.Connection[Any]) -> set[tuple[str, str]]:
    return {(r["schema_name"], r["function_name"]) for r in catalog.function_overload_counts(conn)}


def pending_of(mset: MigrationSet, states: list[MigrationState]) -> list[Migration]:
    """Pending migrations in order; refuses edited applied files and out-of-order ones."""
    changed = [s for s in states if s.state == "changed"]
    if changed:
        names = ", ".join(s.file or str(s.version) for s in changed)
        raise ChecksumMismatch(
            f"applied migrations were edited since they were applied: {names}"
            " (restore the files as applied, or revert them first; `vete db status` shows which)"
        )
    applied_versions = [s.version for s in states if s.state in ("applied", "missing")]
    newest = max(applied_versions, default=None)
    files = mset.by_version()
    pending = [files[s.version] for s in states if s.state == "pending"]
    late = [m.label for m in pending if newest is not None and m.version < newest]
    if late:
        raise MigrationFileError(
            f"pending migrations are older than the newest applied ({newest:03d}):"
            f" {', '.join(late)}"
        )
    return pending


#: vete's own migrations must declare the grants of what they create from this one on
#: (017 made ``vete.intended_grants``; the ones before it predate the rule).
GRANTS_DECLARED_FROM = 17


def grants_required(set_name: str | None, migration: Migration) -> bool:
    """Whether a missing grant declaration in ``migration`` is an error, not a warning."""
    return set_name == VETE_SET and migration.version >= GRANTS_DECLARED_FROM


def lint_pending(
    conn: psycopg.Connection[Any],
    pending: list[Migration],
    target: Target,
    *,
    set_name: str | None = None,
) -> list[linting.Finding]:
    overloaded = overloaded_names(conn)
    findings: list[linting.Finding] = []
    for migration in pending:
        findings += linting.lint_migration(
            migration,
            overloaded=overloaded,
            pg_version=target.server_version,
            require_grants=grants_required(set_name, migration),
        )
    return findings


def apply_all(
    conn: psycopg.Connection[Any],
    pending: list[Migration],
    *,
    source: Source,
    timeouts: applying.Timeouts,
    backup: dict[str, Any] | None,
    progress: Progress,
    report: DeployReport | None = None,
) -> list[applying.Applied]:
    """Apply ``pending`` in order; the first failure is recorded as a ``fail`` event and raised."""
    done: list[applying.Applied] = []
    mset = source.load() if any(m.requires for m in pending) else None
    for migration in pending:
        if mset is not None and migration.requires:
            # What the migration needs at creation (docs/deploy.md, "Definitions").
            apply_definitions(
                conn, mset, source=source, timeouts=timeouts, progress=progress, report=report,
                only=migration.requires,
            )  # fmt: skip
        progress("apply", migration)
        try:
            result = applying.apply_migration(
                conn,
                migration,
                migration_set=source.set_name,
                timeouts=timeouts,
                backup=backup,
                on_commit=functools.partial(_after_apply, migration=migration, source=source),
            )
        except DeployError as exc:
            with conn.transaction():
                record_event(
                    conn,
                    "fail",
                    set_name=source.set_name,
                    ok=False,
                    migration=migration,
                    detail={"error": str(exc)},
                )
            raise
        done.append(result)
        if result.placed:
            prepare_api_roles(conn)
        if report is not None:
            report.applied.append(applied_json(result))
        progress("applied", migration)
    return done


def _after_apply(conn: psycopg.Connection[Any], *, migration: Migration, source: Source) -> None:
    """Inside the migration's transaction: the event, and Supabase's history where it exists."""
    record_event(conn, "deploy", set_name=source.set_name, ok=True, migration=migration)
    columns = {r["column_name"] for r in history.supabase_history_columns(conn)}
    if "version" in columns:
        values: dict[str, Any] = {"version": migration.version_text}
        if "name" in columns:
            values["name"] = migration.name
        if "statements" in columns:
            values["statements"] = [text for _, text in applying.statements(migration)]
        from psycopg import sql

        conn.execute(
            sql.SQL(
                "INSERT INTO supabase_migrations.schema_migrations ({}) VALUES ({})"
                " ON CONFLICT (version) DO NOTHING"
            ).format(
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            list(values.values()),
        )


def apply_definitions(
    conn: psycopg.Connection[Any],
    mset: MigrationSet,
    *,
    source: Source,
    timeouts: applying.Timeouts,
    progress: Progress,
    report: DeployReport | None = None,
    only: tuple[str, ...] | None = None,
) -> list[redefine.Redefined]:
    """After every versioned migration: retire removed definitions whose objects are gone
    (refused while any still live), then apply new and changed ones in dependency order,
    each in its own transaction; the first failure is a ``fail`` event and raised.

    ``only``: before a migration that ``vete:requires`` them, just those definitions and
    what they require (new or changed ones), nothing retired."""
    found = redefine.states(conn, mset, source.set_name)
    wanted = redefine.to_apply(mset, found)
    if only is not None:
        keys = {d.key for d in with_requirements(mset.definitions, only)}
        wanted = [d for d in wanted if d.key in keys]
    for key in [] if only is not None else redefine.refuse_live_removals(found):
        with conn.transaction():
            redefine.retire(conn, source.set_name, key)
            record_event(
                conn, "deploy", set_name=source.set_name, ok=True, name=redefine.label_of(key),
                detail={"definition": key, "retired": True},
            )  # fmt: skip
        if report is not None:
            report.retired.append(key)
    done: list[redefine.Redefined] = []
    for definition in wanted:
        progress("apply", definition.as_migration())
        try:
            result = redefine.apply_definition(
                conn,
                definition,
                migration_set=source.set_name,
                timeouts=timeouts,
                on_commit=functools.partial(_after_redefine, definition=definition, source=source),
            )
        except DeployError as exc:
            with conn.transaction():
                record_event(
                    conn, "fail", set_name=source.set_name, ok=False, name=definition.label,
                    detail={"definition": definition.key, "error": str(exc)},
                )  # fmt: skip
            raise
        done.append(result)
        if report is not None:
            report.definitions.append(result.as_json())
        progress("applied", definition.as_migration())
    return done


def _after_redefine(
    conn: psycopg.Connection[Any], *, definition: Definition, source: Source
) -> None:
    """Inside the definition's transaction. Nothing goes to Supabase's history table: it
    lists versions, and a definition is not one (docs/deploy.md, "Definitions")."""
    record_event(
        conn, "deploy", set_name=source.set_name, ok=True, name=definition.label,
        detail={"definition": definition.key, "checksum": definition.checksum},
    )  # fmt: skip


def applied_json(result: applying.Applied) -> dict[str, Any]:
    return {
        "version": result.migration.version,
        "file": result.migration.label,
        "duration_ms": result.duration_ms,
        "notices": list(result.notices),
        "replaced_functions": sorted(result.change.replaced_functions),
        "created_functions": list(result.change.created_functions),
        "probed": list(result.probed),
        "plpgsql_check": result.static_check.as_json(),
        "placed_on_citus": list(result.placed),
    }


def bring_up_to_date(
    conn: psycopg.Connection[Any],
    source: Source,
    mset: MigrationSet,
    pending: list[Migration],
    *,
    timeouts: applying.Timeouts,
    backup: dict[str, Any] | None,
    progress: Progress,
    report: DeployReport,
) -> None:
    """The pending versioned migrations, then every new or changed definition (under the
    deploy lock, which the caller holds): what ``deploy`` and ``adopt`` end with."""
    apply_all(
        conn,
        pending,
        source=source,
        timeouts=timeouts,
        backup=backup,
        progress=progress,
        report=report,
    )
    apply_definitions(
        conn, mset, source=source, timeouts=timeouts, progress=progress, report=report
    )


def deploy(url: str, source: Source, options: DeployOptions, progress: Progress) -> DeployReport:
    """The whole flow; raises a DeployError subclass with the database as before the failure."""
    started = time.perf_counter()
    mset = source.load()
    with deploy_connection(url) as conn:
        target = describe_target(conn)
        report = DeployReport(target=target_json(target), migration_set=source.set_name)
        report.plpgsql_check = plpgsql_check.availability(conn).as_json()
        progress(f"target {target.label()} (system {target.system_identifier})", None)
        if not target.is_local and not _confirmed(target, options):
            raise TargetNotConfirmed(
                f"{target.label()} is not a local database: pass --yes to deploy to it"
            )
        pending = pending_of(mset, compare(mset, applied_rows(conn, source.set_name)))
        changed = redefine.to_apply(mset, redefine.states(conn, mset, source.set_name))
        findings = lint_pending(
            conn,
            pending + [d.as_migration() for d in changed],
            target,
            set_name=source.set_name,
        )
        report.lint = [f.as_json() for f in findings]
        errors = [f for f in findings if f.level == "error"]
        if errors and not options.allow_lint_errors:
            raise LintFailed(
                f"lint found {len(errors)} error(s): " + "; ".join(str(f) for f in errors)
            )
        progress("lock", None)
        with deploy_lock(
            options.lock_url or url,
            wait_s=options.lock_wait_s,
            application_name=f"vete deploy {'@'.join(who())}",
        ):
            ensure_history(conn)
            # Another deploy may have finished while we waited for the lock.
            pending = pending_of(mset, compare(mset, applied_rows(conn, source.set_name)))
            report.pending_before = [m.label for m in pending]
            changed = redefine.to_apply(mset, redefine.states(conn, mset, source.set_name))
            if (pending or changed) and options.backup:
                progress("backup", None)
                taken = backups.take_backup(
                    url, directory=options.backup_dir, check=options.backup_check
                )
                report.backup = taken.as_json()
                with conn.transaction():
                    record_event(
                        conn, "backup", set_name=source.set_name, ok=True, detail=report.backup
                    )
            if (pending or changed) and options.rehearse:
                progress("rehearse", None)
                rehearse(url, source, pending, options, report.backup)
                report.rehearsed = True
            bring_up_to_date(
                conn,
                source,
                mset,
                pending,
                timeouts=options.timeouts,
                backup=report.backup,
                progress=progress,
                report=report,
            )
    report.duration_s = round(time.perf_counter() - started, 3)
    return report


def deploy_connection(url: str) -> psycopg.Connection[Any]:
    """The deployer's connection: autocommit (each migration opens its own transaction),
    and no server-side prepared statements, so it also works through pgbouncer in
    transaction-pooling mode, where the next transaction may run on another session."""
    return connect(url, autocommit=True, application_name="vete deploy", prepare_threshold=None)


def _confirmed(target: Target, options: DeployOptions) -> bool:
    return options.yes or (options.confirm is not None and options.confirm(target))


def rehearse(
    url: str,
    source: Source,
    pending: list[Migration],
    options: DeployOptions,
    backup: dict[str, Any] | None,
) -> None:
    """Apply ``pending`` to a restored copy of the target first (backup.restored_copy)."""
    with (
        backups.restored_copy(url, backup, prefix="vete_rehearsal") as scratch_url,
        deploy_connection(scratch_url) as scratch,
    ):
        ensure_history(scratch)
        try:
            apply_all(
                scratch,
                pending,
                source=source,
                timeouts=options.timeouts,
                backup=None,
                progress=lambda *_: None,
            )
            apply_definitions(
                scratch,
                source.load(),
                source=source,
                timeouts=options.timeouts,
                progress=lambda *_: None,
            )
        except DeployError as exc:
            raise DeployError(
                f"rehearsal on a restored copy failed, target untouched: {exc}"
            ) from exc
