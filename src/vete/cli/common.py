"""Options and helpers shared by the ``vete db`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from vete.deploy import Check, Source, source_for

JSON_OPT = typer.Option(False, "--json", help="Print one JSON document instead of text.")
DIR_OPT = typer.Option(
    None,
    "--dir",
    help="A folder of NNN_name.sql migrations (with optional revert/ and verify/) instead of"
    " vete's own.",
    file_okay=False,
)
SET_OPT = typer.Option(
    None, "--set", help="Name the history of --dir is kept under (default: the folder's name)."
)


NO_BACKUP_OPT = typer.Option(False, "--no-backup", help="Skip the pg_dump backup.")
BACKUP_DIR_OPT = typer.Option(
    None, "--backup-dir", file_okay=False, help="Where backups go (default: DATA_DIR/backups)."
)
CHECK_OPT = typer.Option(
    "restore",
    "--check",
    help="How the backup is proven: restore (into a scratch database on the embedded server)"
    " or list (only read the archive's table of contents).",
)


def backup_check(value: str) -> Check:
    """The ``--check`` value, refused with a usage error unless restore or list."""
    if value == "restore":
        return "restore"
    if value == "list":
        return "list"
    raise typer.BadParameter(f"--check takes restore or list, not {value!r}")


def pick_source(directory: Path | None, set_name: str | None) -> Source:
    return source_for(directory, set_name)


def state_style(state: str) -> str:
    return {
        "applied": "green",
        "pending": "yellow",
        "new": "yellow",
        "changed": "bold red",
        "missing": "red",
        "removed": "red",
    }.get(state, "white")


def as_rows(items: list[Any]) -> list[dict[str, Any]]:
    return [i.as_json() for i in items]
