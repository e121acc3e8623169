"""``vete db …``: where the database is and what state it is in."""

from __future__ import annotations

from typing import Any

import typer

from vete.cli.output import console, print_json
from vete.config import get_settings
from vete.db import EmbeddedServer, connect, describe_target, redact, resolve_database_url

db_app = typer.Typer(
    help="Database commands: where vete's data lives and what state it is in.",
    no_args_is_help=True,
)

JSON_OPT = typer.Option(False, "--json", help="Print one JSON document instead of text.")


@db_app.command("url")
def url_cmd() -> None:
    """Print the libpq URL vete uses (starting the embedded server if needed).

    Use it to open psql on the same database:  psql "$(vete db url)"
    """
    typer.echo(resolve_database_url())


@db_app.command("status")
def status_cmd(as_json: bool = JSON_OPT) -> None:
    """Show the target database: host, database, server version, system identifier."""
    settings = get_settings()
    url = resolve_database_url(settings)
    with connect(url) as conn:
        target = describe_target(conn)
    report: dict[str, Any] = {
        "url": redact(url),
        "embedded": settings.database_url is None,
        "host": target.host,
        "port": target.port,
        "database": target.database,
        "user": target.user,
        "server_version": target.server_version,
        "system_identifier": target.system_identifier,
    }
    if settings.database_url is None:
        state = EmbeddedServer(settings.data_dir).state()
        report["data_dir"] = str(state.pgdata)
        report["log_file"] = str(state.log_file)
    if as_json:
        print_json(report)
        return
    console.print(f"[bold]target[/]   {target.label()}")
    console.print(f"[bold]url[/]      {report['url']}")
    console.print(f"[bold]system[/]   {target.system_identifier}")
    if report["embedded"]:
        console.print(f"[bold]embedded[/] data in {report['data_dir']}")


@db_app.command("start")
def start_cmd() -> None:
    """Start the embedded PostgreSQL (a no-op when DATABASE_URL is set or it runs)."""
    settings = get_settings()
    if settings.database_url:
        console.print("DATABASE_URL is set: vete does not manage that server.")
        return
    url = EmbeddedServer(settings.data_dir).ensure_running()
    console.print(f"embedded PostgreSQL running: {url}")


@db_app.command("stop")
def stop_cmd() -> None:
    """Stop the embedded PostgreSQL; its data stays in the data directory."""
    settings = get_settings()
    if settings.database_url:
        console.print("DATABASE_URL is set: vete does not manage that server.")
        return
    stopped = EmbeddedServer(settings.data_dir).stop()
    console.print(
        "embedded PostgreSQL stopped" if stopped else "embedded PostgreSQL was not running"
    )
