"""Backups with pg_dump (custom format), proven by restoring them into a scratch database.

The client tools come from the embedded server's package, so a backup needs nothing
installed; pg_dump 18 dumps any server from 15 on (the target's own major version's tools
are used when installed). A backup is proven by ``pg_restore`` into a scratch database
(``check="restore"``) on a server that can load every extension the archive creates
(:mod:`vete.deploy.restore_target` chooses it), or only by ``pg_restore --list`` reading
the archive (``check="list"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import conninfo

from vete.config import get_settings
from vete.db.embedded import bin_dir
from vete.deploy.restore_target import archive_extensions, scratch_database
from vete.errors import BackupFailed

Check = Literal["restore", "list", "none"]

__all__ = [
    "Backup", "Check", "prove_backup", "restore_into", "restored_copy", "scratch_database",
    "take_backup",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Backup:
    """One backup file and what is known about it."""

    path: str
    sha256: str
    size_bytes: int
    duration_s: float
    database: str
    created_at: str
    check: str
    check_duration_s: float | None = None
    #: the server the restore proof ran on, and the extensions the archive needed there
    proven_on: str | None = None
    extensions: tuple[str, ...] = ()
    #: What the restore proof left out, in words (a Citus coordinator's citus extension).
    proof_note: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def client_tool(name: str, server_version_num: int | None = None) -> str:
    """The pg_dump / pg_restore to use against a server of this version.

    The same major version as the server when the machine has it installed (Debian's
    /usr/lib/postgresql/N/bin): newer client tools emit settings an older server rejects
    and read catalog details an older restore target does not know. Otherwise the
    embedded server's tools (PostgreSQL 18), which dump any server from 15 on.
    """
    if server_version_num is not None:
        major = server_version_num // 10000
        installed = Path(f"/usr/lib/postgresql/{major}/bin") / name
        if installed.is_file() and os.access(installed, os.X_OK):
            return str(installed)
    return str(bin_dir() / name)


def server_version_num(url: str) -> int:
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.info.server_version


def _run(cmd: list[str], *, what: str) -> str:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
        # PostgreSQL's own ERROR line first (pg_restore prints it before "Command was: …",
        # which alone does not say what went wrong), then the last line.
        errors = [ln.strip() for ln in lines if "ERROR:" in ln][:1]
        last = lines[-1].strip() if lines else f"exit {proc.returncode}"
        shown = "; ".join([*errors, last]) if errors and errors[0] != last else last
        raise BackupFailed(f"{what} failed: {shown}")
    return proc.stdout


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def default_backup_dir() -> Path:
    return get_settings().data_dir / "backups"


def take_backup(url: str, *, directory: Path | None = None, check: Check = "restore") -> Backup:
    """pg_dump the database at ``url`` and prove the file (see module docstring)."""
    directory = directory or default_backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    params = conninfo.conninfo_to_dict(url)
    dbname = str(params.get("dbname") or params.get("user") or "db")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{dbname}-{stamp}.dump"
    started = time.perf_counter()
    version = server_version_num(url)
    pg_dump = client_tool("pg_dump", version)
    _run([pg_dump, "--format=custom", "--file", str(path), "--dbname", url], what="pg_dump")
    duration = time.perf_counter() - started
    backup = Backup(
        path=str(path),
        sha256=sha256_of(path),
        size_bytes=path.stat().st_size,
        duration_s=round(duration, 3),
        database=dbname,
        created_at=datetime.now(UTC).isoformat(),
        check=check,
    )
    if check != "none":
        check_started = time.perf_counter()
        proven_on = prove_backup(path, check=check, major=version // 10000)
        needs = archive_needs(path)
        backup = Backup(
            **{
                **backup.as_json(),
                "check_duration_s": round(time.perf_counter() - check_started, 3),
                "proven_on": proven_on,
                "extensions": tuple(sorted(needs)),
                "proof_note": CITUS_NOTE if check == "restore" and "citus" in needs else None,
            }
        )
    path.with_suffix(".json").write_text(json.dumps(backup.as_json(), indent=2))
    return backup


#: Said of a proven backup of a Citus coordinator (issue 15).
CITUS_NOTE = (
    "restored without its citus extension entry (no restore server here has Citus); the"
    " tables and rows were restored as plain tables: which tables are distributed is not"
    " part of a pg_dump, so a restore onto a cluster needs vete db distribute again"
)


def prove_backup(path: Path, *, check: Check = "restore", major: int | None = None) -> str | None:
    """Raise BackupFailed unless the archive reads (``list``) or restores (``restore``);
    the server the restore ran on.

    ``major``: the backed-up server's major version (where to restore, restore_target).
    A coordinator's archive creates the citus extension first; that entry (and its
    comment) is left out of the proof, which then proves the rest (:data:`CITUS_NOTE`).
    """
    needs = archive_needs(path)
    if check != "restore":
        return None
    with scratch_database(
        prefix="vete_restore_check", needs=needs - {"citus"}, major=major
    ) as scratch:
        if "citus" in needs:
            _restore_without_citus(path, scratch.url)
        else:
            restore_into(path, scratch.url, clean=False)
        return scratch.server


def _restore_without_citus(path: Path, url: str) -> None:
    """pg_restore every entry of the archive but the citus extension and its comment."""
    pg_restore = client_tool("pg_restore", server_version_num(url))
    listing = _run([pg_restore, "--list", str(path)], what=f"pg_restore --list {path.name}")
    kept = [
        line
        for line in listing.splitlines()
        if not re.search(r"\b(EXTENSION|COMMENT) - (EXTENSION )?citus\b", line)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(kept) + "\n")
    try:
        cmd = [pg_restore, "--exit-on-error", "--no-owner", "--use-list", handle.name]
        _run([*cmd, "--dbname", url, str(path)], what=f"pg_restore of {path.name}")
    finally:
        os.unlink(handle.name)


def archive_needs(path: Path) -> frozenset[str]:
    """Read the archive (``pg_restore --list``); the extensions a restore of it creates."""
    if not path.is_file():
        raise BackupFailed(f"{path}: no such backup file")
    listing = _run(
        [client_tool("pg_restore"), "--list", str(path)], what=f"pg_restore --list {path.name}"
    )
    return archive_extensions(listing)


def restore_into(path: Path, url: str, *, clean: bool) -> None:
    """pg_restore ``path`` into the database at ``url``; stops at the first error."""
    pg_restore = client_tool("pg_restore", server_version_num(url))
    cmd = [pg_restore, "--exit-on-error", "--no-owner", "--dbname", url]
    if clean:
        cmd += ["--clean", "--if-exists"]
    _run([*cmd, str(path)], what=f"pg_restore of {path.name}")


@contextlib.contextmanager
def restored_copy(url: str, backup: dict[str, Any] | None, *, prefix: str) -> Iterator[str]:
    """A scratch database holding a restore of the target at ``url`` (from ``backup``, else
    from a new dump), on a server that can load the extensions it needs: rehearsals run here."""
    dump = Path(backup["path"]) if backup else take_backup(url, check="list").path
    needs = archive_needs(Path(dump))
    major = server_version_num(url) // 10000
    with scratch_database(prefix=prefix, needs=needs, major=major) as scratch:
        restore_into(Path(dump), scratch.url, clean=False)
        yield scratch.url
