"""PostgreSQL stopped hard twice under API load: 503 while away, every invariant after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.crashloop import CrashLoop, violations

STOPS = 2


@pytest.fixture(scope="module")
def loop(server_data_dir: Path) -> Iterator[CrashLoop]:
    crash = CrashLoop(server_data_dir)
    try:
        crash.setup()
        yield crash
    finally:
        crash.teardown()


def test_hard_stops_under_load_lose_nothing(loop: CrashLoop) -> None:
    for stop in range(STOPS):
        result = loop.round(load_s=2.0, outage_s=4.0)
        assert not loop.tally.bad, loop.tally.bad[:5]
        assert not loop.outage.bad, loop.outage.bad[:5]
        assert not violations(result.invariants), (stop, result.invariants)
        assert result.recovery_s < 10, result
    assert loop.outage.statuses[503] > 0, loop.outage.statuses
    assert set(loop.outage.statuses) <= {503, 401, 409, 422}, loop.outage.statuses
    assert loop.tally.statuses[201] > 0, loop.tally.statuses
    assert loop.tally.booked
    assert loop.tally.ordered
