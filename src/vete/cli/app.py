"""Top-level Typer app and its sub-commands."""

from __future__ import annotations

import typer

from vete import __version__
from vete.cli.db import db_app
from vete.cli.demo import demo_cmd
from vete.cli.proof import bench_cmd, race_cmd
from vete.cli.serve import serve_cmd, token_cmd

HELP = """\
vete: the booking and store core of a multi-clinic veterinary platform, on PostgreSQL.

**Where the data lives.** With DATABASE_URL set (a libpq URL such as
postgresql://user:pass@host:5432/db) every command acts on that database. Without it,
vete starts its own embedded PostgreSQL (from a pip package), keeps its files under
VETE_DATA_DIR (default: your per-user data directory) and reuses it on every later run.

**First steps.**

* `vete serve` — deploy, load the demo into the embedded database, serve http://127.0.0.1:8000
* `vete db status` — what is deployed where; `psql "$(vete db url)"` opens psql on it
* `vete db deploy` — apply pending migrations, proven (see `vete db deploy --help`)
* `vete race --compare naive` — watch vete hold where a naive implementation breaks

Exit codes are documented per failure class in docs/cli.md.
"""

app = typer.Typer(
    name="vete",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_app, name="db")
app.command("demo")(demo_cmd)
app.command("race")(race_cmd)
app.command("bench")(bench_cmd)
app.command("serve")(serve_cmd)
app.command("token")(token_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vete {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """vete command line."""
