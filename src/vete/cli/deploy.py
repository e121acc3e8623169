"""``vete db status|plan|lint|deploy|verify|revert|history``: the runbook as commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vete import deploy as deployer
from vete.cli.common import (
    BACKUP_DIR_OPT,
    CHECK_OPT,
    DIR_OPT,
    JSON_OPT,
    NO_BACKUP_OPT,
    SET_OPT,
    as_rows,
    backup_check,
    pick_source,
    state_style,
)
from vete.cli.output import console, err_console, print_json
from vete.db import Target, describe_target, resolve_database_url
from vete.errors import ChecksumMismatch, LintFailed, VerifyFailed


def status(
    directory: Path | None = DIR_OPT, set_name: str | None = SET_OPT, as_json: bool = JSON_OPT
) -> None:
    """Per migration: applied, pending, changed since applied, or missing locally.

    Exit code 12 when an applied file was edited (deploy would refuse).
    """
    source = pick_source(directory, set_name)
    mset = source.load()
    url = resolve_database_url()
    with deployer.deploy_connection(url) as conn:
        target = describe_target(conn)
        states = deployer.compare(mset, deployer.applied_rows(conn, source.set_name))
        definitions = deployer.definition_states(conn, mset, source.set_name)
        checker = deployer.checker_availability(conn)
    changed = [s for s in states if s.state == "changed"]
    if as_json:
        print_json(
            {
                "target": deployer.target_json(target),
                "migration_set": source.set_name,
                "migrations": as_rows(states),
                "definitions": as_rows(definitions),
                "gaps": list(mset.gaps),
                "plpgsql_check": checker.as_json(),
            }
        )
    else:
        console.print(
            f"[bold]target[/] {target.label()}  [dim]system {target.system_identifier}[/]"
        )
        table = Table("version", "name", "state", "applied at", box=None)
        for s in states:
            table.add_row(
                f"{s.version:03d}",
                s.name,
                f"[{state_style(s.state)}]{s.state}[/]",
                s.applied_at or "",
            )
        console.print(table)
        counts = {
            k: sum(1 for s in states if s.state == k)
            for k in ("applied", "pending", "changed", "missing")
        }
        console.print(", ".join(f"{v} {k}" for k, v in counts.items()))
        if mset.gaps:
            console.print(
                f"[yellow]gaps in numbering:[/] {', '.join(f'{g:03d}' for g in mset.gaps)}"
            )
        _print_definitions(definitions)
        _print_checker(checker)
    if changed:
        raise ChecksumMismatch(
            "edited after being applied: " + ", ".join(s.file or "" for s in changed)
        )


def plan(
    directory: Path | None = DIR_OPT, set_name: str | None = SET_OPT, as_json: bool = JSON_OPT
) -> None:
    """What deploy would do, in order, with lint findings. Changes nothing."""
    source = pick_source(directory, set_name)
    mset = source.load()
    with deployer.deploy_connection(resolve_database_url()) as conn:
        target = describe_target(conn)
        pending = deployer.pending_of(
            mset, deployer.compare(mset, deployer.applied_rows(conn, source.set_name))
        )
        definitions = deployer.definition_states(conn, mset, source.set_name)
        redefined = [d.as_migration() for d in deployer.definitions_to_apply(mset, definitions)]
        findings = deployer.lint_pending(
            conn, pending + redefined, target, set_name=source.set_name
        )
        checker = deployer.checker_availability(conn)
    # After every versioned migration, in dependency order (docs/deploy.md, "Definitions").
    planned = [d for d in definitions if d.state != "applied"]
    steps = [
        {
            "version": m.version,
            "file": m.label,
            "transaction": not m.no_transaction,
            "expect_notices": list(m.expect_notices),
            "verify": m.verify_sql is not None,
            "revert": m.revert_sql is not None,
            "statements": len(deployer.statements(m)),
        }
        for m in pending
    ]
    if as_json:
        print_json(
            {
                "target": deployer.target_json(target),
                "pending": steps,
                "definitions": as_rows(planned),
                "lint": as_rows(findings),
                "gaps": list(mset.gaps),
                "plpgsql_check": checker.as_json(),
            }
        )
        return
    console.print(f"[bold]target[/] {target.label()}")
    if not steps and not planned:
        console.print("[green]up to date[/]: nothing to deploy")
    for step in steps:
        extras = [
            f"{step['statements']} statements",
            "in a transaction" if step["transaction"] else "[yellow]no transaction[/]",
        ]
        if step["verify"]:
            extras.append("verify script")
        if step["revert"]:
            extras.append("revert script")
        console.print(f"  {step['file']}  [dim]{', '.join(extras)}[/]")
    _print_definitions(planned, heading="then definitions")
    _print_findings(findings)
    _print_checker(checker)


def lint(
    directory: Path | None = DIR_OPT,
    set_name: str | None = SET_OPT,
    all_files: bool = typer.Option(False, "--all", help="Lint every file, not only pending."),
    files_only: bool = typer.Option(
        False,
        "--files-only",
        help="Lint every file without connecting to a server: squawk's rules and vete's"
        " rules on the text; the overload rule and plpgsql_check need the target.",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Dangerous DDL and missing timeouts (squawk) plus vete's rules; says whether the
    target can run plpgsql_check, which deploy runs on every PL/pgSQL function it deploys.

    Exit code 15 when any finding is an error.
    """
    source = pick_source(directory, set_name)
    mset = source.load()
    if files_only:
        chosen = list(mset.migrations)
        findings = [
            f
            for m in chosen
            for f in deployer.lint_migration(
                m, require_grants=deployer.grants_required(source.set_name, m)
            )
        ]
        checker = deployer.CHECKER_NO_SERVER
    else:
        with deployer.deploy_connection(resolve_database_url()) as conn:
            target = describe_target(conn)
            states = deployer.compare(mset, deployer.applied_rows(conn, source.set_name))
            chosen = list(mset.migrations) if all_files else deployer.pending_of(mset, states)
            findings = deployer.lint_pending(conn, chosen, target, set_name=source.set_name)
            checker = deployer.checker_availability(conn)
    if as_json:
        print_json(
            {
                "files": [m.label for m in chosen],
                "findings": as_rows(findings),
                "server": not files_only,
                "plpgsql_check": checker.as_json(),
            }
        )
    else:
        where = " without a server" if files_only else ""
        console.print(f"linted {len(chosen)} file(s){where}")
        _print_findings(findings)
        if files_only:
            console.print(
                "  [yellow]overloads: not checked (no server)[/]: GRANT/COMMENT/DROP of a"
                " function name without arguments is refused only where the target has"
                " overloads"
            )
        _print_checker(checker)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise LintFailed(f"{len(errors)} error-level finding(s)")


def _print_definitions(
    states: list[deployer.DefinitionState], heading: str = "definitions"
) -> None:
    if not states:
        return
    console.print(f"[bold]{heading}[/]")
    for d in states:
        line = f"  {d.file}  [{state_style(d.state)}]{d.state}[/]"
        if d.still_live:
            line += f"  [red]still live: {', '.join(d.still_live)} (deploy refuses)[/]"
        elif d.state == "removed":
            line += "  [dim]its objects are gone: deploy retires it[/]"
        console.print(line, highlight=False)


def _print_checker(checker: deployer.CheckerAvailability) -> None:
    colour = "green" if checker.usable else "yellow"
    console.print(f"  [{colour}]{checker.describe()}[/]", highlight=False)


def _print_static_findings(applied: list[dict[str, Any]]) -> None:
    """plpgsql_check's warnings on what was deployed (errors refused the migration)."""
    for entry in applied:
        for f in entry.get("plpgsql_check", {}).get("findings", []):
            finding = deployer.CheckerFinding(**f)
            at = f"{finding.file}:{finding.file_line}" if finding.file_line else finding.file
            console.print(
                f"  [yellow]plpgsql_check {finding.level}[/] {at} {finding.where()}:"
                f" {finding.message}",
                highlight=False,
            )


def _print_findings(findings: list[deployer.LintFinding]) -> None:
    for f in findings:
        colour = "red" if f.level == "error" else "yellow"
        console.print(
            f"  [{colour}]{f.level}[/] {f.file}:{f.line} {f.message} [dim]{f.rule}[/]",
            highlight=False,
        )
    if not findings:
        console.print("  [green]no lint findings[/]")


def _confirm_on_terminal(target: Target) -> bool:
    if not sys.stdin.isatty():
        return False
    typed = typer.prompt(
        f"{target.label()} is not local. Type the database name ({target.database}) to deploy"
    )
    return bool(typed == target.database)


def deploy(
    directory: Path | None = DIR_OPT,
    set_name: str | None = SET_OPT,
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Deploy to a non-local target without asking."
    ),
    lock_url: str | None = typer.Option(
        None,
        "--lock-url",
        envvar="VETE_DIRECT_URL",
        help="Direct (not pooled) URL for the deploy lock when DATABASE_URL goes through"
        " pgbouncer in transaction mode.",
    ),
    lock_wait: float = typer.Option(0.0, "--lock-wait", help="Seconds to wait for another deploy."),
    no_backup: bool = NO_BACKUP_OPT,
    backup_dir: Path | None = BACKUP_DIR_OPT,
    check: str = CHECK_OPT,
    rehearse: bool = typer.Option(
        False, "--rehearse", help="Apply to a restored copy on the embedded server first."
    ),
    allow_lint_errors: bool = typer.Option(False, "--allow-lint-errors"),
    lock_timeout: str = typer.Option("5s", "--lock-timeout", help="SET LOCAL lock_timeout."),
    statement_timeout: str = typer.Option(
        "5min", "--statement-timeout", help="SET LOCAL statement_timeout."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Back up, lint, lock, apply each pending migration, call what it deployed, record it.

    Each migration runs in its own transaction; a failing statement, a missing expected
    NOTICE, a failing verify script or a function that cannot run (probed with NULL
    arguments) rolls that migration back completely. Exit codes: 10 a migration failed,
    11 lock busy, 12 an applied file was edited, 13 verify failed, 14 backup failed,
    15 lint errors, 16 bad migration files, 17 non-local target not confirmed.
    """
    options = deployer.DeployOptions(
        yes=yes,
        lock_url=lock_url,
        lock_wait_s=lock_wait,
        backup=not no_backup,
        backup_check=backup_check(check),
        backup_dir=backup_dir,
        rehearse=rehearse,
        allow_lint_errors=allow_lint_errors,
        timeouts=deployer.Timeouts(lock_timeout=lock_timeout, statement_timeout=statement_timeout),
        confirm=_confirm_on_terminal,
    )
    source = pick_source(directory, set_name)
    url = resolve_database_url()
    show = not as_json and err_console.is_terminal
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def progress(step: str, migration: Any) -> None:
            label = f"{step} {migration.label}" if migration is not None else step
            bar.update(task, description=label)
            if not as_json and step == "applied":
                console.print(f"[green]applied[/] {migration.label}")

        report = deployer.deploy(url, source, options, progress)
    if as_json:
        print_json(report.as_json())
        return
    if report.backup:
        b = report.backup
        console.print(
            f"backup {b['path']} ({b['size_bytes']} bytes, sha256 {b['sha256'][:12]}…,"
            f" proven by {b['check']})"
        )
    _print_findings([deployer.LintFinding(**f) for f in report.lint]) if report.lint else None
    _print_static_findings(report.applied)
    if report.applied and report.plpgsql_check.get("usable"):
        checked = sum(len(a["plpgsql_check"]["checked"]) for a in report.applied)
        console.print(f"  [green]plpgsql_check: checked {checked} PL/pgSQL function(s)[/]")
    elif not report.plpgsql_check.get("usable"):
        console.print(f"  [yellow]{report.plpgsql_check['summary']}[/]", highlight=False)
    _print_static_findings(report.definitions)
    if not report.applied and not report.definitions and not report.retired:
        console.print("[green]up to date[/]: nothing to deploy")
    else:
        console.print(
            f"[green]deployed {len(report.applied)} migration(s) and"
            f" {len(report.definitions)} definition(s)[/] in {report.duration_s}s"
        )
    for key in report.retired:
        console.print(f"retired {deployer.label_of(key)} (removed; its objects are gone)")


def verify(
    directory: Path | None = DIR_OPT, set_name: str | None = SET_OPT, as_json: bool = JSON_OPT
) -> None:
    """Rerun verify scripts and call every deployed PL/pgSQL function (rolled back).

    The check the runbook should have had. Exit code 13 when anything fails.
    """
    source = pick_source(directory, set_name)
    with deployer.deploy_connection(resolve_database_url()) as conn:
        deployer.ensure_history(conn)
        report = deployer.verify(conn, source)
    if as_json:
        print_json({"ok": report.ok, "checked": report.checked, "failures": report.failures})
    else:
        for entry in report.checked:
            mark = "[green]ok[/]" if entry["ok"] else f"[red]FAILED[/] {entry.get('error')}"
            what = (
                entry["name"]
                if entry["version"] is None
                else f"{entry['version']:03d}_{entry['name']}"
            )
            console.print(f"  {what}  {mark}  [dim]{len(entry['probed'])} function(s) called[/]")
    if not report.ok:
        raise VerifyFailed("; ".join(report.failures))


def revert(
    directory: Path | None = DIR_OPT,
    set_name: str | None = SET_OPT,
    to: int | None = typer.Option(None, "--to", help="Revert everything newer than VERSION."),
    drop_new: bool = typer.Option(
        False, "--drop-new", help="Without a revert script, drop functions it created."
    ),
    definition: str | None = typer.Option(
        None,
        "--definition",
        help="Revert the newest application of one definition (domain/name) instead:"
        " what it replaced comes back exactly.",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Undo applied migrations, newest first: revert scripts, then recorded definitions.

    Default: only the newest. Replaced functions and views come back exactly as they were.
    With --definition DOMAIN/NAME: the previous definition of that definition file.
    """
    source = pick_source(directory, set_name)
    if definition is not None:
        _revert_definition(source, definition, drop_new=drop_new, as_json=as_json)
        return
    with deployer.deploy_connection(resolve_database_url()) as conn:
        deployer.ensure_history(conn)
        done = deployer.revert(
            conn, source, to_version=to, timeouts=deployer.Timeouts(), drop_new=drop_new
        )
    if as_json:
        print_json({"reverted": done})
        return
    for item in done:
        console.print(f"[green]reverted[/] {item['version']:03d}_{item['name']} ({item['how']})")


def _revert_definition(source: Any, key: str, *, drop_new: bool, as_json: bool) -> None:
    with deployer.deploy_connection(resolve_database_url()) as conn:
        deployer.ensure_history(conn)
        done = deployer.revert_definition(
            conn, source, key, timeouts=deployer.Timeouts(), drop_new=drop_new
        )
    if as_json:
        print_json({"reverted_definition": done})
        return
    restored = ", ".join(o["name"] for o in done["restored"]) or "nothing"
    dropped = ", ".join(o["name"] for o in done["dropped"])
    console.print(
        f"[green]reverted[/] {done['file']}: restored {restored}"
        + (f"; dropped {dropped}" if dropped else ""),
        highlight=False,
    )


def history_cmd(limit: int = typer.Option(50, "--limit"), as_json: bool = JSON_OPT) -> None:
    """The append-only event log: backup, deploy, verify, revert, fail — when, who, from where."""
    with deployer.deploy_connection(resolve_database_url()) as conn:
        deployer.ensure_history(conn)
        events = list(deployer.history_events(conn, limit=limit))
    if as_json:
        print_json(events)
        return
    table = Table("when", "kind", "migration", "ok", "who", "from", box=None)
    for e in reversed(events):
        mig = f"{e['version']:03d}_{e['name']}" if e["version"] is not None else e["name"] or ""
        table.add_row(
            f"{e['at']:%Y-%m-%d %H:%M:%S}",
            e["kind"],
            mig,
            "yes" if e["ok"] else "[red]no[/]",
            f"{e['os_user']} ({e['db_user']})",
            e["client_host"] or "",
        )
    console.print(table)
