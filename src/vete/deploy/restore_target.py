"""Where a backup is restored to prove it (and where a rehearsal runs): a scratch database.

A real backup of the original needs the extensions its database uses (pg_trgm, unaccent,
uuid-ossp, pgcrypto), and the embedded PostgreSQL 18 ships none of contrib. The scratch
database is therefore made on the first of these that can load every extension the
archive creates:

1. the server named by ``VETE_RESTORE_URL``, when set (only that one is tried);
2. the embedded server;
3. a throwaway cluster started from the machine's own binaries of the *target's* major
   version (Debian's ``/usr/lib/postgresql/N/bin``), in a temporary directory, removed on exit.

When none can, :class:`~vete.errors.BackupFailed` says exactly what was proven (the
archive was written and reads, its entries) and what was not (a restore), and how to get
the rest — never a bare pg_restore error.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import conninfo, sql

from vete.config import get_settings
from vete.db.embedded import ADMIN_DB, PG_MAJOR, EmbeddedServer
from vete.errors import BackupFailed

# Roles a Supabase dump refers to (policies, grants): present on the restore server, made
# as Supabase has them (and vete's migration 001 stands them in). Roles belong to the whole
# server: one made here is the one vete's own databases on that server find later — made
# without BYPASSRLS, service_role would see no row a policy hides (the embedded server's
# demo sign-in found no user once a backup of another server was proven on it first).
SUPABASE_ROLES = {
    "anon": "NOLOGIN NOINHERIT",
    "authenticated": "NOLOGIN NOINHERIT",
    "service_role": "NOLOGIN NOINHERIT BYPASSRLS",
}
_EXTENSION_ENTRY = re.compile(r"^\d+;\s+\d+\s+\d+\s+EXTENSION\s+-\s+(\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Scratch:
    """A scratch database and, in words, the server it is on (reported with the proof)."""

    url: str
    server: str


def archive_extensions(listing: str) -> frozenset[str]:
    """The extensions a ``pg_restore --list`` listing creates (plpgsql is in every server)."""
    return frozenset(_EXTENSION_ENTRY.findall(listing)) - {"plpgsql"}


def installed_binaries(major: int | None) -> Path | None:
    """The machine's own PostgreSQL ``major`` server binaries, when installed."""
    if major is None:
        return None
    path = Path(f"/usr/lib/postgresql/{major}/bin")
    initdb = path / "initdb"
    return path if initdb.is_file() and os.access(initdb, os.X_OK) else None


def loadable(binaries: Path) -> frozenset[str]:
    """Extensions an installation can create: the control files in its share directory."""
    proc = subprocess.run(
        [str(binaries / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return frozenset()
    return frozenset(p.stem for p in (Path(proc.stdout.strip()) / "extension").glob("*.control"))


def available_on(admin_url: str) -> frozenset[str]:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        return frozenset(r[0] for r in conn.execute("SELECT name FROM pg_available_extensions"))


@contextlib.contextmanager
def scratch_database(
    *, prefix: str, needs: Iterable[str] = (), major: int | None = None
) -> Iterator[Scratch]:
    """A new database on a server that can load ``needs``; dropped on exit.

    ``major``: the target's PostgreSQL major version, for the throwaway cluster.
    """
    needed = frozenset(needs) - {"plpgsql"}
    named = get_settings().restore_url
    if named:
        missing = needed - available_on(named)
        if missing:
            raise BackupFailed(_not_proven(needed, [f"VETE_RESTORE_URL lacks {_names(missing)}"]))
        with _database_on(named, prefix) as url:
            yield Scratch(url, "the server named by VETE_RESTORE_URL")
        return
    tried: list[str] = []
    embedded = EmbeddedServer(get_settings().data_dir)
    embedded.ensure_running()
    missing = needed - available_on(embedded.url(ADMIN_DB))
    if not missing:
        with _database_on(embedded.url(ADMIN_DB), prefix) as url:
            yield Scratch(url, f"the embedded PostgreSQL {PG_MAJOR}")
        return
    tried.append(f"the embedded PostgreSQL {PG_MAJOR} cannot load {_names(missing)}")
    binaries = installed_binaries(major)
    if binaries is None:
        tried.append(
            f"no PostgreSQL {major} server binaries are installed (/usr/lib/postgresql/{major}/bin)"
            if major
            else "the target's version is unknown"
        )
    else:
        missing = needed - loadable(binaries)
        if not missing:
            with (
                throwaway_cluster(binaries) as admin_url,
                _database_on(admin_url, prefix) as url,
            ):
                yield Scratch(url, f"a throwaway PostgreSQL {major} cluster ({binaries})")
            return
        tried.append(f"PostgreSQL {major} in {binaries.parent} cannot load {_names(missing)}")
    raise BackupFailed(_not_proven(needed, tried, major))


def _names(extensions: Iterable[str]) -> str:
    return ", ".join(sorted(extensions))


def _not_proven(needed: frozenset[str], tried: list[str], major: int | None = None) -> str:
    version = f"PostgreSQL {major}'s server with its contrib modules" if major else "PostgreSQL"
    return (
        f"the backup needs extension(s) {_names(needed)} and no restore target here can load"
        f" them ({'; '.join(tried)}). Proven: the archive was written and reads"
        f" (pg_restore --list). Not proven: that it restores. To prove it, install {version},"
        " or name a server that has them in VETE_RESTORE_URL; or accept the read-only proof"
        " with --check list"
    )


@contextlib.contextmanager
def _database_on(admin_url: str, prefix: str) -> Iterator[str]:
    name = f"{prefix}_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        for role, attributes in SUPABASE_ROLES.items():
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                continue
            # Two proofs at once may both see it missing: the loser's error is moot.
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                conn.execute(
                    sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(role), sql.SQL(attributes))
                )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield conninfo.make_conninfo(admin_url, dbname=name)
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextlib.contextmanager
def throwaway_cluster(binaries: Path) -> Iterator[str]:
    """A new cluster from ``binaries`` in a temporary directory: its admin URL; gone on exit."""
    root = Path(tempfile.mkdtemp(prefix="vete-restore-"))
    root.chmod(0o755)  # as root the server runs as another user, who must reach its files
    server = EmbeddedServer(root, binaries=binaries)
    try:
        server.ensure_running()
        yield server.url(ADMIN_DB)
    finally:
        with contextlib.suppress(Exception):
            server.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)
