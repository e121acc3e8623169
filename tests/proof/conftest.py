"""Helpers of the proof-tool tests: running the vete CLI against a test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


def vete(*args: str, url: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m vete ARGS`` with DATABASE_URL set to ``url``."""
    return subprocess.run(
        [sys.executable, "-m", "vete", *args],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def json_of(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.stdout, result.stderr
    return json.loads(result.stdout)
