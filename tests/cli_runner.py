"""Run the ``vete`` command line as a user would: a separate process, output captured."""

from __future__ import annotations

import os
import subprocess
import sys


def run_vete(
    *args: str, url: str | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m vete ARGS``; ``url`` becomes DATABASE_URL, ``env`` adds to the environment."""
    extra = {**(env or {}), **({"DATABASE_URL": url} if url is not None else {})}
    return subprocess.run(
        [sys.executable, "-m", "vete", *args],
        env={**os.environ, **extra},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
