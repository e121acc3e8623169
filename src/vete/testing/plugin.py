"""pytest plugin: every test module gets its own fresh database on a real PostgreSQL.

The server is vete's embedded PostgreSQL by default, or the one at
``VETE_TEST_DATABASE_URL`` (or ``--vete-db-url``). Once per session a template database
is built with vete's migrations deployed; each test module then gets
``CREATE DATABASE … TEMPLATE`` of it, which is far faster than deploying again, and
dropped when the module ends, so tests never see each other's data.

Fixtures:
    vete_server        the server: admin URL, version, whether it is embedded
    database_factory   call it to get the URL of one more fresh database (dropped at end)
    database_url       this module's fresh database
    conn               a connection to it (dict rows), closed after the test

On a Citus coordinator (``shared_preload_libraries`` names citus; ``VETE_CITUS_URL`` names
the cluster's registered database, from which the workers are read), every test database
is made on the coordinator and on each worker under one name, with the extension and the
nodes registered, and the template is distributed (``vete db distribute``) after the
deploy. A clone is then ``CREATE DATABASE … TEMPLATE`` on every node: the copies hold the
same shards and metadata, so together they are one more distributed database.

``server_now()`` is the server's clock (``now()``) as first read in the session: tests
compute the days they book from it, never from the calendar date, so the suite passes on
any date and on a server whose clock runs ahead (``scripts/faketime-tests``).
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg
import pytest
from psycopg import conninfo, sql

from vete.config import Settings

_NAME_PREFIX = "vete_t_"
_counter = itertools.count(1)
_config: pytest.Config | None = None


@dataclass(frozen=True)
class PgServer:
    """The PostgreSQL server tests run against."""

    admin_url: str
    version: str
    embedded: bool
    #: Admin URLs of the Citus workers when ``admin_url`` is a coordinator; else empty.
    workers: tuple[str, ...] = ()

    def url_for(self, dbname: str) -> str:
        return conninfo.make_conninfo(self.admin_url, dbname=dbname)

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.admin_url, autocommit=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--vete-db-url",
        default=Settings().test_database_url,
        help="libpq URL of the PostgreSQL to test against (env VETE_TEST_DATABASE_URL); "
        "default: vete's embedded server",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


def server_now() -> datetime:
    """The test server's ``now()`` when first asked in this session (then the same answer).

    Tests derive their dates from it (a Monday three weeks ahead, the next clock change)
    at import time, so it is read once: every module then agrees on "today".
    """
    assert _config is not None, "vete.testing.plugin is not loaded"
    cached: datetime | None = getattr(_config, "_vete_now", None)
    if cached is None:
        with _server_from_config(_config).admin() as conn:
            cached = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        _config._vete_now = cached  # type: ignore[attr-defined]
    assert cached is not None
    return cached


def _server_from_config(config: pytest.Config) -> PgServer:
    cached: PgServer | None = getattr(config, "_vete_server", None)
    if cached is not None:
        return cached
    url: str | None = config.getoption("--vete-db-url")
    embedded = not url
    if embedded:
        from vete.db.embedded import ADMIN_DB, EmbeddedServer

        server = EmbeddedServer(Settings().data_dir)
        server.ensure_running()
        url = server.url(ADMIN_DB)
    assert url is not None
    with psycopg.connect(url, autocommit=True) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
        preload = str(conn.execute("SHOW shared_preload_libraries").fetchone()[0])  # type: ignore[index]
    workers = _citus_workers(url) if "citus" in preload else ()
    result = PgServer(admin_url=url, version=version, embedded=embedded, workers=workers)
    config._vete_server = result  # type: ignore[attr-defined]
    return result


def _citus_workers(admin_url: str) -> tuple[str, ...]:
    """The workers' admin URLs, read from the cluster's registered database."""
    cluster = Settings().citus_url
    if not cluster:
        raise pytest.UsageError(
            "the test server preloads citus: set VETE_CITUS_URL to the cluster's coordinator"
            " database (scripts/citus-cluster up prints it) so the workers are known"
        )
    with psycopg.connect(cluster, autocommit=True) as conn:
        nodes = conn.execute(
            "SELECT nodename, nodeport FROM pg_dist_node"
            " WHERE groupid <> 0 AND isactive AND noderole = 'primary' ORDER BY nodeport"
        ).fetchall()
    return tuple(conninfo.make_conninfo(admin_url, host=h, port=str(p)) for h, p in nodes)


def citus_server(cluster_url: str) -> PgServer:
    """The Citus cluster at ``cluster_url`` (its coordinator database) as a test server:
    admin URL on the coordinator's ``postgres`` database, workers read from its metadata."""
    admin = conninfo.make_conninfo(cluster_url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    return PgServer(admin, version, embedded=False, workers=_citus_workers(admin))


def create_database(server: PgServer, name: str, template: str | None = None) -> str:
    """A database on ``server`` (on every node of a Citus cluster); its URL."""
    _create(server, name, template)
    return server.url_for(name)


def drop_database(server: PgServer, name: str) -> None:
    _drop(server, name)


def _every_node(server: PgServer) -> list[str]:
    """Admin URLs of the workers, then the server itself."""
    return [*server.workers, server.admin_url]


def _create(server: PgServer, name: str, template: str | None) -> None:
    """CREATE DATABASE on the server (and, on Citus, on every worker under the same name);
    a database made from nothing on Citus gets the extension and the nodes registered."""
    for admin in _every_node(server):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template or "template0")
                )
            )
    if not server.workers or template is not None:
        return
    for admin in _every_node(server):
        with psycopg.connect(conninfo.make_conninfo(admin, dbname=name), autocommit=True) as c:
            c.execute("CREATE EXTENSION citus")
    coordinator = conninfo.conninfo_to_dict(server.admin_url)
    with psycopg.connect(server.url_for(name), autocommit=True) as conn:
        conn.execute(
            "SELECT citus_set_coordinator_host(%s, %s)",
            [coordinator.get("host", "127.0.0.1"), int(str(coordinator.get("port", 5432)))],
        )
        for worker in server.workers:
            parts = conninfo.conninfo_to_dict(worker)
            conn.execute("SELECT citus_add_node(%s, %s)", [parts["host"], int(str(parts["port"]))])


def _freeze_template(server: PgServer, name: str) -> None:
    """On Citus, no session may stay in the template: its maintenance daemon and the
    coordinator's cached connections would make every CREATE DATABASE … TEMPLATE fail."""
    for admin in _every_node(server):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
            )
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )


def pytest_report_header(config: pytest.Config) -> list[str]:
    try:
        server = _server_from_config(config)
    except Exception as exc:  # the header must never hide the real failure
        return [f"vete: PostgreSQL unavailable: {exc}"]
    where = (
        "embedded"
        if server.embedded
        else conninfo.conninfo_to_dict(server.admin_url).get("host", "?")
    )
    citus = f", Citus coordinator with {len(server.workers)} workers" if server.workers else ""
    return [f"vete: PostgreSQL {server.version} ({where}{citus})"]


@pytest.fixture(scope="session")
def vete_server(pytestconfig: pytest.Config) -> PgServer:
    """The server every test database lives on."""
    return _server_from_config(pytestconfig)


def _drop_orphans(server: PgServer) -> None:
    """Drop test databases left by sessions that died (their pid is gone)."""
    with server.admin() as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [_NAME_PREFIX + "%"]
            )
        ]
    for name in names:
        match = re.match(rf"{_NAME_PREFIX}(\d+)_", name)
        if match and not psutil.pid_exists(int(match.group(1))):
            _drop(server, name)


SUPABASE_DEFAULTS = Path(__file__).with_name("supabase_defaults.sql")


def grant_like_supabase(url: str) -> None:
    """Give a database Supabase's default privileges: every table, sequence and function
    later created in ``public`` is granted ALL to anon, authenticated and service_role."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(SUPABASE_DEFAULTS.read_text(encoding="utf-8"))


def build_template(url: str) -> None:
    """Deploy vete's migrations into the template database (through the deployer), on
    Supabase's default privileges, so every test runs where those privileges are in force
    and vete's migrations must take back what they do not mean to give."""
    grant_like_supabase(url)
    apply_schema(url)


def apply_schema(url: str) -> None:
    """Bring a fresh database to vete's current schema through the real deployer.

    Test templates (and the benchmarks' databases) are built this way so that every test
    run also proves the migrations deploy: each in its own transaction, NOTICEs checked,
    verify scripts run and every PL/pgSQL function probed; then the definitions tree, as
    deploy does. Backup, lint and the lock are left out (a fresh database). Only
    ``vete.deploy``'s public surface is used.
    """
    from vete import deploy

    source = deploy.vete_source()
    mset = source.load()
    with deploy.deploy_connection(url) as conn:
        deploy.ensure_history(conn)
        applied = deploy.applied_rows(conn, source.set_name)
        pending = deploy.pending_of(mset, deploy.compare(mset, applied))
        deploy.apply_all(
            conn,
            pending,
            source=source,
            timeouts=deploy.Timeouts(),
            backup=None,
            progress=lambda *_: None,
        )
        deploy.apply_definitions(
            conn, mset, source=source, timeouts=deploy.Timeouts(), progress=lambda *_: None
        )


@pytest.fixture(scope="session")
def template_database(vete_server: PgServer) -> Iterator[str]:
    """Name of this session's template database: vete's schema, no data."""
    _drop_orphans(vete_server)
    name = f"{_NAME_PREFIX}{os.getpid()}_template"
    _drop(vete_server, name)
    _create(vete_server, name, None)
    build_template(vete_server.url_for(name))
    if vete_server.workers:
        from vete import deploy

        deploy.distribute(vete_server.url_for(name))
        _freeze_template(vete_server, name)
    yield name
    _drop(vete_server, name)


def _clone_template(server: PgServer, template: str | None) -> str:
    name = f"{_NAME_PREFIX}{os.getpid()}_{next(_counter)}"
    _create(server, name, template)
    return name


def _drop(server: PgServer, name: str) -> None:
    for admin in reversed(_every_node(server)):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="session")
def database_factory(vete_server: PgServer, template_database: str) -> Iterator[Callable[..., str]]:
    """Returns ``create(empty=False)``: one more fresh database, its URL; ``empty=True``
    gives a database without vete's schema (with Supabase's default privileges, as a new
    Supabase project has)."""
    created: list[str] = []

    def create(*, empty: bool = False) -> str:
        created.append(_clone_template(vete_server, None if empty else template_database))
        url = vete_server.url_for(created[-1])
        if empty:
            grant_like_supabase(url)
        return url

    yield create
    for name in created:
        _drop(vete_server, name)


@pytest.fixture(scope="module")
def database_url(vete_server: PgServer, template_database: str) -> Iterator[str]:
    """URL of a database of this module's own, cloned from the template."""
    name = _clone_template(vete_server, template_database)
    yield vete_server.url_for(name)
    _drop(vete_server, name)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """A connection to this module's database with dict rows; closed after the test."""
    from psycopg.rows import dict_row

    with psycopg.connect(database_url, row_factory=dict_row) as connection:
        yield connection
