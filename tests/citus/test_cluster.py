"""The Citus cluster from ``scripts/citus-cluster`` works: two active workers, and a table
distributed on it spreads its rows over both.

Runs only against a cluster named by ``VETE_CITUS_URL`` (the coordinator; CI's run 4,
scripts/citus-tests, brings one up); without it these tests are skipped, saying how to run
them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from tests.citus.cluster import CITUS_URL, needs_cluster

pytestmark = needs_cluster

ROWS = 200


@pytest.fixture
def coordinator() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(CITUS_URL, autocommit=True) as conn:
        yield conn


def test_coordinator_has_two_active_workers(
    coordinator: psycopg.Connection[tuple[object, ...]],
) -> None:
    workers = coordinator.execute(
        "SELECT nodename, nodeport FROM pg_dist_node"
        " WHERE groupid <> 0 AND isactive AND noderole = 'primary' ORDER BY nodeport"
    ).fetchall()
    reachable = coordinator.execute(
        "SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY node_port"
    ).fetchall()
    assert len(workers) == 2, workers
    assert reachable == workers


@pytest.fixture
def probe_table(coordinator: psycopg.Connection[tuple[object, ...]]) -> Iterator[sql.Identifier]:
    """A table of this test's own, dropped afterwards even when the test fails."""
    name = sql.Identifier(f"citus_probe_{uuid.uuid4().hex[:12]}")
    coordinator.execute(sql.SQL("CREATE TABLE {} (tenant_id int, n int)").format(name))
    try:
        yield name
    finally:
        coordinator.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(name))


def test_a_distributed_table_spreads_its_rows_over_both_workers(
    coordinator: psycopg.Connection[tuple[object, ...]], probe_table: sql.Identifier
) -> None:
    table = probe_table.as_string(coordinator)
    coordinator.execute("SELECT create_distributed_table(%s, 'tenant_id')", [table])
    coordinator.execute(
        sql.SQL("INSERT INTO {} SELECT g, g FROM generate_series(1, %s) g").format(probe_table),
        [ROWS],
    )
    # Counted shard by shard on the nodes that hold them, not through the coordinator's planner.
    per_node = coordinator.execute(
        "SELECT s.nodeport, sum(r.result::bigint)"
        " FROM run_command_on_shards(%s, 'SELECT count(*) FROM %%s') r"
        " JOIN citus_shards s ON s.shardid = r.shardid"
        " WHERE r.success GROUP BY s.nodeport ORDER BY s.nodeport",
        [table],
    ).fetchall()
    workers = coordinator.execute(
        "SELECT nodeport FROM pg_dist_node WHERE groupid <> 0 AND isactive ORDER BY nodeport"
    ).fetchall()
    assert [port for port, _ in per_node] == [port for (port,) in workers]
    assert all(count > 0 for _, count in per_node), per_node
    assert sum(count for _, count in per_node) == ROWS
