"""What every test of tests/citus needs: the cluster's URL, the skip without one, and a
database of its own on every node."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from vete.testing.plugin import apply_schema, citus_server, create_database, drop_database

CITUS_URL = os.environ.get("VETE_CITUS_URL", "")

#: pytestmark of each module here: they run only against a cluster named by VETE_CITUS_URL.
needs_cluster = pytest.mark.skipif(
    not CITUS_URL,
    reason="needs a Citus cluster: as root, "
    'export VETE_CITUS_URL="$(scripts/citus-cluster up)" && ./run-tests tests/citus',
)


@contextmanager
def vete_database(prefix: str) -> Iterator[str]:
    """A new database on every node of the cluster with vete deployed (not distributed),
    dropped on exit; its coordinator URL."""
    server = citus_server(CITUS_URL)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = create_database(server, name)
    try:
        apply_schema(url)
        yield url
    finally:
        drop_database(server, name)
