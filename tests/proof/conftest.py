"""Helpers of the proof-tool tests: running the vete CLI against a test database."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.cli_runner import run_vete


def vete(*args: str, url: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m vete ARGS`` with DATABASE_URL set to ``url``."""
    return run_vete(*args, url=url, timeout=timeout)


def json_of(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.stdout, result.stderr
    return json.loads(result.stdout)
