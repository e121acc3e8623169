"""``vete db backup`` and ``vete db restore``."""

from __future__ import annotations

from pathlib import Path

import typer

from vete import deploy as deployer
from vete.cli.common import BACKUP_DIR_OPT, CHECK_OPT, JSON_OPT, backup_check
from vete.cli.output import console, print_json
from vete.db import describe_target, resolve_database_url
from vete.errors import TargetNotConfirmed


def backup(
    directory: Path | None = BACKUP_DIR_OPT,
    check: str = CHECK_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """pg_dump (custom format) with sha256, size and duration recorded, then proven."""
    url = resolve_database_url()
    taken = deployer.take_backup(url, directory=directory, check=backup_check(check))
    with deployer.deploy_connection(url) as conn:
        deployer.ensure_history(conn)
        with conn.transaction():
            deployer.record_event(conn, "backup", set_name=None, ok=True, detail=taken.as_json())
    if as_json:
        print_json(taken.as_json())
        return
    console.print(f"[green]backup[/] {taken.path}")
    console.print(f"  {taken.size_bytes} bytes in {taken.duration_s}s, sha256 {taken.sha256}")
    console.print(f"  proven by {taken.check} in {taken.check_duration_s}s")


def restore(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A .dump from vete db backup."
    ),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Replace the target's objects without asking."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Restore a backup into the target database (objects in the dump are replaced).

    The file's sha256 is checked against the one recorded beside it when there is one.
    """
    url = resolve_database_url()
    with deployer.deploy_connection(url) as conn:
        target = describe_target(conn)
    question = f"Replace the objects in {target.label()} with {path.name}?"
    if not yes and not typer.confirm(question, default=False):
        raise TargetNotConfirmed("restore not confirmed: pass --yes")
    recorded = path.with_suffix(".json")
    if recorded.is_file():
        import json

        expected = json.loads(recorded.read_text())["sha256"]
        if deployer.sha256_of(path) != expected:
            from vete.errors import BackupFailed

            raise BackupFailed(f"{path.name}: sha256 differs from the one recorded at backup time")
    deployer.restore_into(path, url, clean=True)
    with deployer.deploy_connection(url) as conn:
        deployer.ensure_history(conn)
        with conn.transaction():
            deployer.record_event(
                conn, "restore", set_name=None, ok=True, detail={"path": str(path)}
            )
    if as_json:
        print_json({"restored": str(path), "target": deployer.target_json(target)})
    else:
        console.print(f"[green]restored[/] {path.name} into {target.label()}")
