"""Every test gets its real PostgreSQL from vete's own pytest plugin."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["vete.testing.plugin"]


@pytest.fixture(scope="module")
def server_data_dir() -> Iterator[Path]:
    """A private data directory for an embedded server a test starts, stops or kills.

    Not under pytest's tmp_path: as root the server runs as the user ``vete-pg``, which
    must traverse every parent directory, and pytest makes ``/tmp/pytest-of-root`` private
    again (0700) whenever another pytest session starts, so a server there could lose its
    own data directory in the middle of a test.
    """
    path = Path(tempfile.mkdtemp(prefix="vete-test-pg-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
