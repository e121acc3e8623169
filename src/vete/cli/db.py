"""``vete db …``: where the database is and what state it is in."""

from __future__ import annotations

import typer

from vete.cli import adopt as adopt_cmds
from vete.cli import backup as backup_cmds
from vete.cli import deploy as deploy_cmds
from vete.cli import distribute as distribute_cmds
from vete.cli.output import console
from vete.cli.proof import monitor_cmd
from vete.config import get_settings
from vete.db import EmbeddedServer, resolve_database_url

db_app = typer.Typer(
    help="Database commands: where the data lives, and the deployer (the runbook as commands).",
    no_args_is_help=True,
)

db_app.command("status")(deploy_cmds.status)
db_app.command("plan")(deploy_cmds.plan)
db_app.command("lint")(deploy_cmds.lint)
db_app.command("deploy")(deploy_cmds.deploy)
db_app.command("verify")(deploy_cmds.verify)
db_app.command("revert")(deploy_cmds.revert)
db_app.command("history")(deploy_cmds.history_cmd)
db_app.command("backup")(backup_cmds.backup)
db_app.command("restore")(backup_cmds.restore)
db_app.command("adopt")(adopt_cmds.adopt)
db_app.command("monitor")(monitor_cmd)
db_app.command("distribute")(distribute_cmds.distribute)


@db_app.command("url")
def url_cmd() -> None:
    """Print the libpq URL vete uses (starting the embedded server if needed).

    Use it to open psql on the same database:  psql "$(vete db url)"
    """
    typer.echo(resolve_database_url())


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
