"""``vete db adopt``: take over a database of the original platform in place."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import typer

from vete import deploy as deployer
from vete.cli.common import BACKUP_DIR_OPT, CHECK_OPT, JSON_OPT, NO_BACKUP_OPT, backup_check
from vete.cli.deploy import _confirm_on_terminal
from vete.cli.output import console, err_console, print_json
from vete.db import resolve_database_url
from vete.errors import AdoptConflicts


def adopt(
    yes: bool = typer.Option(False, "--yes", "-y", help="Adopt a non-local target without asking."),
    resolve: bool = typer.Option(
        False,
        "--resolve",
        help="Resolve conflicting rows as docs/adopt.md describes (cancel the later of two"
        " overlapping appointments, merge repeated cart lines, zero negative stock), logged.",
    ),
    no_backup: bool = NO_BACKUP_OPT,
    backup_dir: Path | None = BACKUP_DIR_OPT,
    check: str = CHECK_OPT,
    rehearse: bool = typer.Option(
        False, "--rehearse", help="Adopt a restored copy on the embedded server first."
    ),
    lock_timeout: str = typer.Option(
        "200ms",
        "--lock-timeout",
        help="How long an ALTER may wait in the lock queue (the application's statements"
        " wait behind it) before its migration rolls back and tries again, up to 50 times.",
    ),
    keep_direct_writes: bool = typer.Option(
        False,
        "--keep-direct-writes",
        help="Let signed-in users keep writing appointments directly, as the original's app"
        " does (owners INSERT, staff UPDATE), under its policies; vete's no-overlap trigger"
        " guards them. Off: clients book through vete's functions (docs/adopt.md)."
        " On an adopted database, turns it on.",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Take over a live database of the original platform: check, back up, adopt, baseline.

    Recognises the original's tables and functions, reports every row vete's rules would
    refuse (and stops, unless --resolve), backs up, applies the vete-adopt migrations
    (vete's functions replace the original's three, every older overload dropped), gives
    vets without working hours a default, and records which of vete's migrations are now
    satisfied. Undo: vete db revert --set vete-adopt --to 0. Exit codes as deploy, plus
    18 not the original's database, 19 conflicting rows found (nothing changed).
    """
    options = deployer.AdoptOptions(
        yes=yes,
        resolve=resolve,
        backup=not no_backup,
        backup_check=backup_check(check),
        backup_dir=backup_dir,
        rehearse=rehearse,
        keep_direct_writes=keep_direct_writes,
        timeouts=dataclasses.replace(deployer.ADOPT_TIMEOUTS, lock_timeout=lock_timeout),
        confirm=_confirm_on_terminal,
    )

    def progress(step: str) -> None:
        if not as_json:
            err_console.print(f"[dim]{step}[/]", highlight=False)

    try:
        report = deployer.adopt(resolve_database_url(), options, progress)
    except AdoptConflicts as exc:
        if as_json:
            print_json({"ok": False, "error": exc.code, "message": str(exc)})
        raise
    if as_json:
        print_json({"ok": True, **report.as_json()})
        return
    _print(report)


def _print(report: deployer.AdoptReport) -> None:
    kind = report.recognised.get("kind")
    if not report.changed:
        console.print(f"[green]nothing to adopt[/]: database is {kind}")
        return
    if kind == "adopted":  # only --keep-direct-writes changes an adopted database
        console.print("[green]direct writes kept[/]: signed-in users may write appointments")
        return
    res: dict[str, Any] = report.resolutions or {}
    for a in res.get("cancelled_appointments", []):
        console.print(
            f"[yellow]cancelled[/] {a['tenant_id']} appointment {a['appointment_id']}"
            f" ({a['start_time']:%Y-%m-%d %H:%M} UTC, pet {a['pet_name']}): call"
            f" {a['owner_name']} {a['owner_phone'] or a['owner_email'] or ''}",
            highlight=False,
        )
    for c in res.get("merged_carts", []):
        console.print(f"[yellow]merged[/] repeated lines of cart {c['cart_id']}", highlight=False)
    for s in res.get("zeroed_stock", []):
        console.print(f"[yellow]stock 0[/] product {s['product_id']} (was {s['old_stock']})")
    for t in report.timezone_fallbacks:
        console.print(
            f"[yellow]time zone[/] {t['tenant_id']}: {t['configured']!r} is not a zone, using"
            f" {t['timezone']}",
            highlight=False,
        )
    for h in report.default_hours:
        days = ",".join(str(d) for d in h["days"])
        console.print(
            f"[yellow]default hours[/] {h['tenant_id']} {h['vet_name']}: days {days}"
            f" {h['starts_at']:%H:%M}-{h['ends_at']:%H:%M} {h['timezone']} (from {h['source']})",
            highlight=False,
        )
    if report.direct_writes_kept:
        console.print("[yellow]direct writes kept[/]: signed-in users may write appointments")
    console.print(
        f"[green]adopted[/]: {len(report.applied)} migration(s) applied, vete"
        f" {', '.join(f'{v:03d}' for v in report.baseline)} recorded as baseline"
        f" in {report.duration_s}s"
    )
