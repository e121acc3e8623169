"""The ``vete`` command line: one Typer app, errors mapped to one line and an exit code."""

from __future__ import annotations

import sys

from vete.cli.app import app
from vete.errors import VeteError


def main() -> None:
    """Console-script entry point: a VeteError becomes one line on stderr and its exit code."""
    from vete.cli.output import err_console

    try:
        # Typer handles usage errors and Ctrl-C itself (exit codes 2 and 1).
        app()
    except VeteError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


__all__ = ["app", "main"]
