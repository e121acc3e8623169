"""``vete db adopt``: take over a live database of the original platform in place.

The flow (docs/adopt.md):

1. name the target and refuse a non-local one without confirmation, as deploy does;
2. recognise it (:mod:`vete.deploy.adopt_checks`): the original's → go on; already adopted
   or vete's → change nothing; empty → an ordinary deploy; anything else → refuse;
3. find the rows vete's rules would refuse — overlapping active appointments, repeated
   cart lines, negative stock — and stop, naming each, unless ``resolve`` is set;
4. under the deploy lock: back up (proven), optionally rehearse on a restored copy;
5. apply the resolution (logged in ``vete.adopt_resolutions``), then the ``vete-adopt``
   migrations through the deployer (probed, verified, replaced definitions recorded);
6. in one transaction: default working hours for vets that have none, and a baseline in
   vete's history for every vete migration the adopt set brought about;
7. vete's own set brought up to date as ``vete db deploy`` would: its migrations after the
   baseline, then every definition (functions, views, triggers and policies live in
   ``migrations/definitions/``, written against vete's newest tables), recorded once, in
   vete's history.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete.db import Target, connect, describe_target
from vete.deploy import adopt_checks, runner
from vete.deploy import apply as applying
from vete.deploy import backup as backups
from vete.deploy.adopt_set import adopt_source, included_versions
from vete.deploy.lock import deploy_lock
from vete.deploy.lock_watch import LockWatch
from vete.deploy.queries import history
from vete.deploy.source import VETE_SET, vete_source
from vete.deploy.state import applied_rows, compare
from vete.errors import AdoptConflicts, AdoptRefused, TargetNotConfirmed

Progress = Callable[[str], None]
direct_writes: Any = aiosql.from_path(
    Path(__file__).parent / "sql" / "adopt_direct_writes.sql", "psycopg"
)

#: A live database: an ALTER waits at most 200 ms in the lock queue (and the application's
#: statements queued behind it as long), then the migration rolls back and tries again.
ADOPT_TIMEOUTS = applying.Timeouts(
    lock_timeout="200ms", statement_timeout="30min", lock_retries=50, retry_pause_s=0.5
)


@dataclass(frozen=True)
class AdoptOptions:
    yes: bool = False
    resolve: bool = False
    backup: bool = True
    backup_check: backups.Check = "restore"
    backup_dir: Path | None = None
    rehearse: bool = False
    lock_wait_s: float = 0.0
    keep_direct_writes: bool = False  # signed-in users keep writing appointments directly
    timeouts: applying.Timeouts = field(default_factory=lambda: ADOPT_TIMEOUTS)
    confirm: Callable[[Target], bool] | None = None


@dataclass
class AdoptReport:
    target: dict[str, Any]
    recognised: dict[str, Any]
    conflicts: dict[str, Any] = field(default_factory=dict)
    conflict_lines: list[str] = field(default_factory=list)
    resolutions: dict[str, Any] | None = None
    applied: list[dict[str, Any]] = field(default_factory=list)
    baseline: list[int] = field(default_factory=list)
    later: list[dict[str, Any]] = field(default_factory=list)  # vete's migrations after it
    definitions: list[dict[str, Any]] = field(default_factory=list)  # vete's definitions
    default_hours: list[dict[str, Any]] = field(default_factory=list)
    timezone_fallbacks: list[dict[str, Any]] = field(default_factory=list)
    backup: dict[str, Any] | None = None
    rehearsed: bool = False
    direct_writes_kept: bool = False
    changed: bool = False
    duration_s: float = 0.0
    phases: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Phases:
    """Adopt's phases on the target: each one's duration and longest blocking lock, printed
    as it ends and kept in the report (lock_watch.py says how locks are measured)."""

    def __init__(self, watch: LockWatch | None, report: AdoptReport, progress: Progress) -> None:
        self._watch, self._report, self._progress = watch, report, progress

    def begin(self, name: str) -> None:
        self.end()
        if self._watch is not None:
            self._watch.begin(name)

    def end(self) -> None:
        phase = self._watch.end() if self._watch is not None else None
        if phase is not None:
            self._report.phases.append(phase.as_json())
            self._progress(f"phase {phase.line()}")


def adopt(url: str, options: AdoptOptions, progress: Progress) -> AdoptReport:
    """The whole flow; AdoptRefused / AdoptConflicts / a DeployError leave the target as it was."""
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        conn = stack.enter_context(connect(url, autocommit=True, application_name="vete adopt"))
        target = describe_target(conn)
        progress(f"target {target.label()} (system {target.system_identifier})")
        if not target.is_local and not (
            options.yes or (options.confirm is not None and options.confirm(target))
        ):
            raise TargetNotConfirmed(
                f"{target.label()} is not a local database: pass --yes to adopt it"
            )
        report = AdoptReport(target=runner.target_json(target), recognised={})
        phases = _Phases(
            stack.enter_context(LockWatch(url, conn.info.backend_pid)), report, progress
        )
        phases.begin("check")
        found = adopt_checks.recognise(conn)
        report.recognised = found.as_json()
        if found.kind == "adopted" and options.keep_direct_writes:
            with deploy_lock(url, wait_s=options.lock_wait_s, application_name="vete adopt"):
                report.changed = _keep_direct_writes(conn, report, progress)
        if found.kind in ("adopted", "vete"):
            progress(f"nothing to adopt: {'; '.join(found.reasons)}")
            return report
        if found.kind == "unknown":
            raise AdoptRefused(
                "this database is neither empty nor the original platform's, so vete will not"
                " adopt it: " + "; ".join(found.reasons) + f". It has: {found.found}"
            )
        if found.kind == "empty":
            progress("empty database: deploying vete's migrations")
            deployed = runner.deploy(url, vete_source(), _deploy_options(options), lambda *_: None)
            report.applied, report.backup, report.changed = deployed.applied, deployed.backup, True
            return report
        _check_conflicts(conn, report, options)
        with deploy_lock(url, wait_s=options.lock_wait_s, application_name="vete adopt"):
            runner.ensure_history(conn)
            if options.backup:
                progress("backup")
                phases.begin("backup")
                report.backup = backups.take_backup(
                    url, directory=options.backup_dir, check=options.backup_check
                ).as_json()
                with conn.transaction():
                    runner.record_event(
                        conn, "backup", set_name=adopt_source().set_name, ok=True,
                        detail=report.backup,
                    )  # fmt: skip
            if options.rehearse:
                progress("rehearse")
                phases.begin("rehearse")
                _rehearse(url, options, report.backup)
                report.rehearsed = True
            take_over(conn, options, report, progress, phases)
        phases.end()
    report.duration_s = round(time.perf_counter() - started, 3)
    return report


def _deploy_options(options: AdoptOptions) -> runner.DeployOptions:
    return runner.DeployOptions(
        yes=True,
        backup=options.backup,
        backup_check=options.backup_check,
        backup_dir=options.backup_dir,
        rehearse=options.rehearse,
        timeouts=options.timeouts,
    )


def _check_conflicts(
    conn: psycopg.Connection[Any], report: AdoptReport, options: AdoptOptions
) -> None:
    conflicts = adopt_checks.find_conflicts(conn)
    report.conflicts = conflicts.as_json()
    report.conflict_lines = conflicts.lines()
    if conflicts.count and not options.resolve:
        raise AdoptConflicts(
            f"{conflicts.count} row(s) break rules vete is about to enforce; nothing was changed."
            " Fix them, or run again with --resolve (docs/adopt.md says what it does):\n  "
            + "\n  ".join(report.conflict_lines)
        )


def take_over(
    conn: psycopg.Connection[Any],
    options: AdoptOptions,
    report: AdoptReport,
    progress: Progress,
    phases: _Phases | None = None,
) -> None:
    """Steps 5 and 6 of the module docstring, on ``conn`` (the target or a rehearsal copy)."""
    phases = phases or _Phases(None, report, progress)
    if report.conflicts and any(report.conflicts.values()):
        progress("resolve")
        phases.begin("resolve")
        report.resolutions = adopt_checks.resolve(conn, str(uuid.uuid4())).as_json()
    source = adopt_source()
    mset = source.load()
    pending = runner.pending_of(mset, compare(mset, applied_rows(conn, source.set_name)))
    for result in runner.apply_all(
        conn,
        pending,
        source=source,
        timeouts=options.timeouts,
        backup=report.backup,
        progress=lambda step, m: _migration_step(step, m, phases, progress),
    ):
        report.applied.append(runner.applied_json(result))
    phases.begin("working hours and baseline")
    with conn.transaction():
        report.default_hours = list(adopt_checks.resolutions.add_default_working_hours(conn))
        report.timezone_fallbacks = list(adopt_checks.resolutions.timezone_fallbacks(conn))
        report.baseline = record_baseline(conn)
    report.changed = True
    vete = vete_source()
    vete_set = vete.load()
    later = runner.DeployReport(target=report.target, migration_set=vete.set_name)
    runner.bring_up_to_date(
        conn,
        vete,
        vete_set,
        runner.pending_of(vete_set, compare(vete_set, applied_rows(conn, vete.set_name))),
        timeouts=options.timeouts,
        backup=report.backup,
        progress=lambda step, m: progress(f"{step} {m.label}" if m else step),
        report=later,
    )
    report.later, report.definitions = later.applied, later.definitions
    if options.keep_direct_writes:
        _keep_direct_writes(conn, report, progress)


def _keep_direct_writes(
    conn: psycopg.Connection[Any], report: AdoptReport, progress: Progress
) -> bool:
    """Let signed-in users write appointments directly again, under the original's policies
    and vete's no-overlap trigger (sql/adopt_direct_writes.sql); True when that changed."""
    with conn.transaction():
        if direct_writes.direct_writes_kept(conn):
            report.direct_writes_kept = True
            return False
        progress("keep direct writes: authenticated may INSERT, UPDATE, DELETE appointments")
        direct_writes.list_direct_writes(conn)
        direct_writes.grant_direct_writes(conn)
    report.direct_writes_kept = True
    return True


def _migration_step(step: str, migration: Any, phases: _Phases, progress: Progress) -> None:
    if step == "apply" and migration is not None:
        phases.begin(f"apply {migration.label}")
    progress(f"{step} {migration.label}" if migration else step)


def record_baseline(conn: psycopg.Connection[Any]) -> list[int]:
    """Record vete's migrations the adopt set brought about as applied (kind ``baseline``).

    Each row carries the file's checksum, so a later ``vete db deploy`` sees them applied
    and runs only newer migrations; ``created.baseline`` marks them so that ``vete db
    revert`` refuses to run vete's revert scripts (which would drop the original's tables).
    """
    vete = vete_source()
    files = vete.load().by_version()
    already = applied_rows(conn, vete.set_name)
    recorded: list[int] = []
    for version in included_versions():
        if version in already:
            continue
        migration = files[version]
        history.record_migration(
            conn,
            migration_set=VETE_SET,
            version=version,
            name=migration.name,
            checksum=migration.checksum,
            duration_ms=0,
            notices="[]",
            replaced="{}",
            created=json.dumps({"baseline": adopt_source().set_name}),
            backup=None,
        )
        runner.record_event(
            conn, "baseline", set_name=VETE_SET, ok=True, migration=migration,
            detail={"by": adopt_source().set_name},
        )  # fmt: skip
        recorded.append(version)
    return recorded


def _rehearse(url: str, options: AdoptOptions, backup: dict[str, Any] | None) -> None:
    """The whole take-over on a restored copy first (backup.restored_copy)."""
    from vete.errors import DeployError

    with (
        backups.restored_copy(url, backup, prefix="vete_adopt_rehearsal") as scratch_url,
        connect(scratch_url, autocommit=True) as scratch,
    ):
        runner.ensure_history(scratch)
        rehearsal = AdoptReport(target={}, recognised={})
        _check_conflicts(scratch, rehearsal, options)
        try:
            take_over(scratch, options, rehearsal, lambda _: None)
        except DeployError as exc:
            raise DeployError(
                f"rehearsal on a restored copy failed, target untouched: {exc}"
            ) from exc
