"""Backups with pg_dump (custom format), proven by restoring them into a scratch database.

The client tools come from the embedded server's package, so a backup needs nothing
installed; pg_dump 18 dumps any server from 15 on. A backup is proven by ``pg_restore``
into a scratch database on the embedded server (``check="restore"``), or only by
``pg_restore --list`` reading the archive (``check="list"``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import conninfo, sql

from vete.config import get_settings
from vete.db.embedded import ADMIN_DB, EmbeddedServer, bin_dir
from vete.errors import BackupFailed

Check = Literal["restore", "list", "none"]

# Roles a Supabase dump refers to (policies, grants): present on the scratch server so a
# restore can be checked there.
_SUPABASE_ROLES = ("anon", "authenticated", "service_role")


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


def _run(cmd: list[str], *, what: str) -> None:
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
        raise BackupFailed(f"{what} failed: {lines[-1] if lines else f'exit {proc.returncode}'}")


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
    pg_dump = client_tool("pg_dump", server_version_num(url))
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
        prove_backup(path, check=check)
        backup = Backup(
            **{
                **backup.as_json(),
                "check_duration_s": round(time.perf_counter() - check_started, 3),
            }
        )
    path.with_suffix(".json").write_text(json.dumps(backup.as_json(), indent=2))
    return backup


def prove_backup(path: Path, *, check: Check = "restore") -> None:
    """Raise BackupFailed unless the archive reads (``list``) or restores (``restore``)."""
    if not path.is_file():
        raise BackupFailed(f"{path}: no such backup file")
    _run([client_tool("pg_restore"), "--list", str(path)], what=f"pg_restore --list {path.name}")
    if check != "restore":
        return
    with scratch_database(prefix="vete_restore_check") as scratch_url:
        restore_into(path, scratch_url, clean=False)


def restore_into(path: Path, url: str, *, clean: bool) -> None:
    """pg_restore ``path`` into the database at ``url``; stops at the first error."""
    pg_restore = client_tool("pg_restore", server_version_num(url))
    cmd = [pg_restore, "--exit-on-error", "--no-owner", "--dbname", url]
    if clean:
        cmd += ["--clean", "--if-exists"]
    _run([*cmd, str(path)], what=f"pg_restore of {path.name}")


class scratch_database:
    """A throwaway database on the embedded server, dropped on exit."""

    def __init__(self, *, prefix: str) -> None:
        self.server = EmbeddedServer(get_settings().data_dir)
        self.name = f"{prefix}_{os.getpid()}_{time.monotonic_ns() % 10**9}"

    def __enter__(self) -> str:
        self.server.ensure_running()
        with psycopg.connect(self.server.url(ADMIN_DB), autocommit=True) as conn:
            for role in _SUPABASE_ROLES:
                exists = conn.execute(
                    "SELECT 1 FROM pg_roles WHERE rolname = %s", [role]
                ).fetchone()
                if exists is None:
                    # Two proofs at once may both see it missing: the loser's error is moot.
                    with contextlib.suppress(psycopg.errors.DuplicateObject):
                        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        return self.server.url(self.name)

    def __exit__(self, *exc: object) -> None:
        with psycopg.connect(self.server.url(ADMIN_DB), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )
