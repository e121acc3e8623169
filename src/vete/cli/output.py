"""Shared Rich consoles and the ``--json`` printer used by every command."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def print_json(payload: Any) -> None:
    """Machine output: one JSON document on stdout, nothing else."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, sort_keys=False) + "\n")
