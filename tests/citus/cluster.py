"""What every test of tests/citus needs: the cluster's URL, and the skip without one."""

from __future__ import annotations

import os

import pytest

CITUS_URL = os.environ.get("VETE_CITUS_URL", "")

#: pytestmark of each module here: they run only against a cluster named by VETE_CITUS_URL.
needs_cluster = pytest.mark.skipif(
    not CITUS_URL,
    reason="needs a Citus cluster: as root, "
    'export VETE_CITUS_URL="$(scripts/citus-cluster up)" && ./run-tests tests/citus',
)
