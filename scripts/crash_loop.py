"""PostgreSQL stopped hard N times (default 10) under API load; prints each round's results.

    .venv/bin/python scripts/crash_loop.py [--stops 10] [--clients 4]

Uses a private embedded PostgreSQL in a temporary directory (never a shared server).
Exit 0 when no 500 was seen, every outage answer was a 503 with Retry-After, and every
invariant held after every restart.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.faults.crashloop import CrashLoop, violations


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="vete-crash-") as tmp:
        loop = CrashLoop(Path(tmp), clients=args.clients)
        try:
            loop.setup()
            for stop in range(1, args.stops + 1):
                result = loop.round(load_s=3.0, outage_s=4.0)
                bad = violations(result.invariants)
                failed |= bool(bad)
                print(
                    json.dumps(
                        {
                            "stop": stop,
                            "recovery_s": round(result.recovery_s, 2),
                            "violations": bad,
                            **result.invariants["acknowledged"],
                        }
                    )
                )
        finally:
            loop.teardown()
    summary = {
        "statuses": dict(loop.tally.statuses),
        "outage_statuses": dict(loop.outage.statuses),
        "bad_answers": loop.tally.bad + loop.outage.bad,
    }
    print(json.dumps(summary))
    return 1 if failed or summary["bad_answers"] else 0


if __name__ == "__main__":
    sys.exit(main())
