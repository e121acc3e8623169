"""The one connection layer: URL resolution, connections and pools (sync and async).

Every part of vete gets its connections here, so failures to connect read the same
everywhere: one line naming the host and the reason, as a :class:`DatabaseUnavailable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import conninfo
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout

from vete.config import Settings, get_settings
from vete.errors import ConfigError, DatabaseUnavailable, UnsupportedServer

MIN_SERVER_VERSION = 150000  # PostgreSQL 15: what Supabase runs.


def resolve_database_url(settings: Settings | None = None) -> str:
    """``DATABASE_URL`` when set, else the embedded server's (started if needed)."""
    settings = settings or get_settings()
    if settings.database_url:
        parse_url(settings.database_url)
        return settings.database_url
    from vete.db.embedded import EmbeddedServer

    return EmbeddedServer(settings.data_dir).ensure_running()


def parse_url(url: str) -> dict[str, Any]:
    """The URL's parameters; a malformed URL raises :class:`ConfigError`."""
    try:
        params = conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(f"DATABASE_URL is malformed: {_first_line(str(exc))}") from exc
    # libpq only notices a bad port when it resolves the host, with a confusing message.
    for port in str(params.get("port") or "").split(","):
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise ConfigError(f"DATABASE_URL is malformed: invalid port {port!r}")
    return params


def describe_host(url: str) -> str:
    """Where ``url`` points, for messages: ``host:port/db`` with no password."""
    params = parse_url(url)
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    port = params.get("port")
    where = f"{host}:{port}" if port else host
    dbname = params.get("dbname")
    return f"{where}/{dbname}" if dbname else where


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def connect(url: str, *, autocommit: bool = False, **kwargs: Any) -> psycopg.Connection[Any]:
    """A new connection with dict rows; connection failures become one clear line."""
    parse_url(url)
    kwargs.setdefault("connect_timeout", get_settings().connect_timeout_s)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, row_factory=dict_row, **kwargs)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to {describe_host(url)}: {_reason(exc)}"
        ) from exc
    try:
        check_server_version(conn)
    except BaseException:
        conn.close()
        raise
    return conn


async def aconnect(
    url: str, *, autocommit: bool = False, **kwargs: Any
) -> psycopg.AsyncConnection[Any]:
    """Async twin of :func:`connect`."""
    parse_url(url)
    kwargs.setdefault("connect_timeout", get_settings().connect_timeout_s)
    try:
        conn = await psycopg.AsyncConnection.connect(
            url, autocommit=autocommit, row_factory=dict_row, **kwargs
        )
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to {describe_host(url)}: {_reason(exc)}"
        ) from exc
    try:
        check_server_version(conn)
    except BaseException:
        await conn.close()
        raise
    return conn


def check_server_version(conn: psycopg.Connection[Any] | psycopg.AsyncConnection[Any]) -> int:
    """The server's version number; older than PostgreSQL 15 raises :class:`UnsupportedServer`."""
    version = conn.info.server_version
    if version < MIN_SERVER_VERSION:
        major = version // 10000
        raise UnsupportedServer(
            f"{conn.info.host or 'localhost'} runs PostgreSQL {major}; vete needs 15 or newer"
        )
    return version


def make_pool(
    url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 5.0, **kwargs: Any
) -> ConnectionPool[psycopg.Connection[dict[str, Any]]]:
    """An opened pool of dict-row connections; ``timeout`` bounds waiting for a free one."""
    parse_url(url)
    pool: ConnectionPool[psycopg.Connection[dict[str, Any]]] = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={"row_factory": dict_row, **kwargs},
        open=False,
        name="vete",
    )
    try:
        pool.open(wait=True, timeout=timeout)
    except PoolTimeout as exc:
        pool.close()
        raise DatabaseUnavailable(f"cannot connect to {describe_host(url)}: {exc}") from exc
    return pool


async def make_async_pool(
    url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 5.0, **kwargs: Any
) -> AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]]:
    """Async twin of :func:`make_pool`."""
    parse_url(url)
    pool: AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]] = AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        kwargs={"row_factory": dict_row, **kwargs},
        open=False,
        name="vete-async",
    )
    try:
        await pool.open(wait=True, timeout=timeout)
    except PoolTimeout as exc:
        await pool.close()
        raise DatabaseUnavailable(f"cannot connect to {describe_host(url)}: {exc}") from exc
    return pool


@dataclass(frozen=True, slots=True)
class Target:
    """The server and database a command acts on, as deploy and status name it."""

    host: str
    port: int | None
    database: str
    user: str
    server_version: str
    server_version_num: int
    system_identifier: str
    is_local: bool

    def label(self) -> str:
        where = f"{self.host}:{self.port}" if self.port else self.host
        return f"{where}/{self.database} (PostgreSQL {self.server_version})"


def describe_target(conn: psycopg.Connection[Any]) -> Target:
    """Name the target: host, database, server version and system identifier."""
    cur = conn.cursor(row_factory=dict_row)
    values = cur.execute(
        "SELECT current_database() AS db, current_user AS usr,"
        " current_setting('server_version') AS ver"
    ).fetchone()
    assert values is not None
    system_identifier = "unknown"
    try:
        # pg_control_system() is not granted to every role (Supabase's postgres is not
        # a superuser); the identifier is informative, so its absence is not an error.
        with conn.transaction():
            sysid = cur.execute(
                "SELECT system_identifier::text AS sysid FROM pg_control_system()"
            ).fetchone()
            if sysid is not None:
                system_identifier = str(sysid["sysid"])
    except psycopg.errors.InsufficientPrivilege:
        pass
    host = conn.info.host or "localhost"
    port = conn.info.port
    return Target(
        host=host,
        port=port if not host.startswith("/") else None,
        database=str(values["db"]),
        user=str(values["usr"]),
        server_version=str(values["ver"]).split()[0],
        server_version_num=conn.info.server_version,
        system_identifier=system_identifier,
        is_local=host.startswith("/") or host in {"localhost", "127.0.0.1", "::1"},
    )


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _reason(exc: psycopg.OperationalError) -> str:
    """The useful part of libpq's multi-line message ("Connection refused" …)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    text = lines[0]
    text = re.sub(r"^connection failed:\s*", "", text)
    # libpq: 'connection to server at "h" (1.2.3.4), port 5432 failed: REASON'
    match = re.search(r"failed:\s*(.+)$", text)
    reason = match.group(1) if match else text
    if reason.startswith("FATAL:"):
        reason = reason[len("FATAL:") :].strip()
    return reason
