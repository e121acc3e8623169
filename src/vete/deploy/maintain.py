"""After a deploy: verify what is applied, and revert it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from vete.deploy import apply as applying
from vete.deploy import catalog, redefine
from vete.deploy.adopt_set import ADOPT_SET
from vete.deploy.files import Migration
from vete.deploy.queries import history
from vete.deploy.runner import record_event
from vete.deploy.source import Source, vete_source
from vete.deploy.state import applied_rows
from vete.errors import DeployError, VerifyFailed


@dataclass
class VerifyReport:
    checked: list[dict[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def verify(conn: psycopg.Connection[Any], source: Source, *, record: bool = True) -> VerifyReport:
    """Rerun every applied migration's verify script and probe its functions, then the same
    for every live definition; change nothing.

    This is the check the original runbook should have had: it calls what is deployed.
    With ``record=False`` (``vete db monitor``, which verifies every interval) no history
    event is written either.
    """
    files = source.load().by_version()
    report = VerifyReport()
    rows = applied_rows(conn, source.set_name)
    with conn.transaction():
        current = catalog.snapshot(conn).functions
        for version, row in rows.items():
            migration = files.get(version)
            signatures = set(row["created"].get("functions", [])) | set(
                row["replaced"].get("functions", {})
            )
            functions = tuple(current[s] for s in sorted(signatures) if s in current)
            entry: dict[str, Any] = {"version": version, "name": row["name"], "ok": True}
            try:
                if migration is not None:
                    applying.run_verify_script(conn, migration)
                failures = catalog.probe(conn, functions)
                if failures:
                    raise VerifyFailed("; ".join(str(f) for f in failures))
                missing = sorted(s for s in row["created"].get("functions", []) if s not in current)
                if missing:
                    raise VerifyFailed(f"functions it created are gone: {', '.join(missing)}")
            except VerifyFailed as exc:
                entry.update(ok=False, error=str(exc))
                report.failures.append(f"{version:03d}_{row['name']}: {exc}")
            entry["probed"] = [f.signature for f in functions if f.language == "plpgsql"]
            report.checked.append(entry)
        _verify_definitions(conn, source, current, report)
        raise psycopg.Rollback()
    if not record:
        return report
    with conn.transaction():
        record_event(
            conn,
            "verify",
            set_name=source.set_name,
            ok=report.ok,
            detail={"failures": report.failures, "checked": len(report.checked)},
        )
    return report


def _verify_definitions(
    conn: psycopg.Connection[Any],
    source: Source,
    current: dict[str, catalog.FunctionInfo],
    report: VerifyReport,
) -> None:
    """Each live definition: its verify script, the probe of the functions it defines, and
    those functions still there."""
    files = {d.key: d for d in source.load().definitions}
    for key, row in redefine.current_rows(conn, source.set_name).items():
        label = redefine.label_of(key)
        signatures = sorted(o["name"] for o in row["defines"] if o["kind"] == "function")
        functions = tuple(current[s] for s in signatures if s in current)
        entry: dict[str, Any] = {"version": None, "name": label, "definition": key, "ok": True}
        try:
            if key in files:
                applying.run_verify_script(conn, files[key].as_migration())
            failures = catalog.probe(conn, functions)
            if failures:
                raise VerifyFailed("; ".join(str(f) for f in failures))
            missing = [s for s in signatures if s not in current]
            if missing:
                raise VerifyFailed(f"functions it defines are gone: {', '.join(missing)}")
        except VerifyFailed as exc:
            entry.update(ok=False, error=str(exc))
            report.failures.append(f"{label}: {exc}")
        entry["probed"] = [f.signature for f in functions if f.language == "plpgsql"]
        report.checked.append(entry)


def revert(
    conn: psycopg.Connection[Any],
    source: Source,
    *,
    to_version: int | None,
    timeouts: applying.Timeouts,
    drop_new: bool = False,
) -> list[dict[str, Any]]:
    """Revert applied migrations newer than ``to_version`` (default: only the newest).

    Each runs in its own transaction: its revert script when it has one, then the
    definitions it replaced are put back exactly as recorded. A migration with no revert
    script that created tables, indexes or sequences is refused (reverting it would mean
    guessing), and functions or views it created are dropped only with ``drop_new``.
    """
    rows = applied_rows(conn, source.set_name)
    if not rows:
        raise DeployError(f"nothing of set {source.set_name!r} is applied: nothing to revert")
    newest = max(rows)
    floor = newest - 1 if to_version is None else to_version
    victims = sorted((v for v in rows if v > floor), reverse=True)
    baselined = [v for v in victims if rows[v]["created"].get("baseline")]
    if baselined:
        by = rows[baselined[0]]["created"]["baseline"]
        listed = ", ".join(f"{v:03d}" for v in baselined)
        raise DeployError(
            f"{source.set_name} {listed} were not applied here but"
            f" recorded as a baseline by set {by!r} (its revert scripts would drop tables that"
            f" were there before): revert that set instead (vete db revert --set {by} --to 0)"
        )
    if source.set_name == ADOPT_SET:
        _revert_vete_above_baseline(conn, timeouts)
    files = source.load().by_version()
    owned = {
        (o["kind"], o["name"])
        for row in redefine.current_rows(conn, source.set_name).values()
        for o in row["defines"]
    }
    done: list[dict[str, Any]] = []
    for version in victims:
        row, migration = rows[version], files.get(version)
        with conn.transaction():
            applying.set_local_timeouts(conn, timeouts)
            how = _revert_one(conn, version, row, migration, drop_new=drop_new, owned=owned)
            history.forget_migration(conn, migration_set=source.set_name, version=version)
            record_event(
                conn,
                "revert",
                set_name=source.set_name,
                ok=True,
                migration=migration,
                detail={"how": how},
            )
            if _has_supabase_history(conn):
                conn.execute(
                    "DELETE FROM supabase_migrations.schema_migrations WHERE version = %s",
                    [migration.version_text if migration else f"{version:03d}"],
                )
        done.append({"version": version, "name": row["name"], "how": how})
    return done


def _revert_vete_above_baseline(conn: psycopg.Connection[Any], timeouts: applying.Timeouts) -> None:
    """Before the adopt set goes back: what adopt's deploy of vete's own set put on top of the
    baseline (docs/adopt.md) — vete's migrations after the baseline, newest first (their
    revert scripts grant on the functions, so those are still there), then every live
    definition of vete's, in reverse order (what it created dropped, what it replaced put
    back)."""
    vete = vete_source()
    rows = applied_rows(conn, vete.set_name)
    baseline = [v for v, row in rows.items() if row["created"].get("baseline") == ADOPT_SET]
    if baseline and any(v > max(baseline) for v in rows):
        revert(conn, vete, to_version=max(baseline), timeouts=timeouts)
    live = redefine.current_rows(conn, vete.set_name)
    in_order = [d.key for d in vete.load().definitions if d.key in live]
    for key in [*reversed(in_order), *sorted(set(live) - set(in_order))]:
        revert_definition(conn, vete, key, timeouts=timeouts, drop_new=True)


def _has_supabase_history(conn: psycopg.Connection[Any]) -> bool:
    return bool(list(history.supabase_history_columns(conn)))


def _revert_one(
    conn: psycopg.Connection[Any],
    version: int,
    row: dict[str, Any],
    migration: Migration | None,
    *,
    drop_new: bool,
    owned: Collection[tuple[str, str]] = (),
) -> str:
    """``owned``: functions and views a live definition defines. Their recorded old bodies
    are not put back: the definition file is their one current source, and reverting an
    old migration must not run an old body over it (``vete db revert --definition`` is how
    a definition goes back)."""
    label = f"{version:03d}_{row['name']}"
    created = row["created"]
    replaced = row["replaced"]
    has_script = migration is not None and migration.revert_sql is not None
    if has_script:
        assert migration is not None
        assert migration.revert_sql is not None
        try:
            conn.execute(migration.revert_sql)
        except psycopg.Error as exc:
            raise DeployError(
                f"{label}: revert script failed: {exc.diag.message_primary or exc}"
            ) from exc
    else:
        if created.get("relations"):
            raise DeployError(
                f"{label} has no revert script and created {', '.join(created['relations'])}:"
                f" write revert/{label}.sql"
            )
        # What it created that a live definition now defines is the definition's (a
        # migration whose functions moved to definitions/), not the migration's to drop.
        views = [v for v in created.get("views", []) if ("view", v) not in owned]
        functions = [f for f in created.get("functions", []) if ("function", f) not in owned]
        if (views or functions) and not drop_new:
            raise DeployError(
                f"{label} has no revert script and created {', '.join(functions + views)};"
                " pass --drop-new to drop them (check no caller needs them first)"
            )
        for view in views:
            conn.execute(sql.SQL("DROP VIEW IF EXISTS {}").format(sql.SQL(view)))
        for signature in functions:
            conn.execute(sql.SQL("DROP FUNCTION IF EXISTS {}").format(sql.SQL(signature)))
    for name, definition in replaced.get("functions", {}).items():
        if ("function", name) not in owned:
            conn.execute(definition)
    for name, definition in replaced.get("views", {}).items():
        if ("view", name) in owned:
            continue
        conn.execute(
            sql.SQL("CREATE OR REPLACE VIEW {} AS {}").format(sql.SQL(name), sql.SQL(definition))
        )
    return "revert script" if has_script else "recorded definitions"


def revert_definition(
    conn: psycopg.Connection[Any],
    source: Source,
    key: str,
    *,
    timeouts: applying.Timeouts,
    drop_new: bool = False,
) -> dict[str, Any]:
    """Put back what the live application of definition ``key`` replaced, exactly as recorded.

    One transaction: the recorded previous definitions are run again (``pg_get_functiondef``
    before equals after), what that application created is dropped only with ``drop_new``,
    and its history row is deleted, so the row before it is live again and ``status`` shows
    the file as changed until it is deployed or edited back.
    """
    row = redefine.current_rows(conn, source.set_name).get(key)
    if row is None:
        raise DeployError(
            f"{redefine.label_of(key)} is not applied in set {source.set_name!r}: nothing to revert"
        )
    with conn.transaction():
        applying.set_local_timeouts(conn, timeouts)
        done = redefine.revert_one(conn, key, row, drop_new=drop_new)
        record_event(
            conn,
            "revert",
            set_name=source.set_name,
            ok=True,
            name=done["file"],
            detail=done,
        )
    return done
