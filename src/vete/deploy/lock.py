"""The deploy lock: a session-level advisory lock on a direct (non-pooled) connection.

Advisory locks belong to one database, so two deploys to the same database never
interleave; the lock is held by a connection of its own, which must not go through a
transaction-pooling proxy (pgbouncer would hand the session to someone else), hence the
separate ``--lock-url``. If the deploy process dies, the server ends its session and the
lock is released with it: a killed deploy never leaves a stale lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from vete.db import connect
from vete.errors import LockBusy

# Two int4 keys: the classid/objid pair pg_locks shows for this lock.
LOCK_KEYS = (0x76657465, 1)  # 'vete', 1
_HOLDER_SQL = """
SELECT a.pid, a.backend_start, a.application_name, host(a.client_addr) AS client_addr
FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = %s AND l.objid = %s AND l.objsubid = 2
"""


def holder(conn: psycopg.Connection[Any]) -> dict[str, Any] | None:
    """Who holds the deploy lock now, or None."""
    row: dict[str, Any] | None = conn.execute(_HOLDER_SQL, LOCK_KEYS).fetchone()
    return row


@contextmanager
def deploy_lock(url: str, *, wait_s: float = 0.0, application_name: str) -> Iterator[None]:
    """Hold the deploy lock for the block; wait up to ``wait_s`` for it, else LockBusy."""
    conn = connect(url, autocommit=True, application_name=application_name)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s) AS ok", LOCK_KEYS).fetchone()
            if row is not None and row["ok"]:
                break
            if time.monotonic() >= deadline:
                who = holder(conn)
                if who is None:
                    continue  # released between the try and the look: try again
                since = f"{who['backend_start']:%Y-%m-%d %H:%M:%S%z}"
                raise LockBusy(
                    f"another deploy holds the lock since {since}"
                    f", pid {who['pid']} ({who['application_name'] or 'no name'}"
                    f"{' from ' + who['client_addr'] if who['client_addr'] else ''});"
                    " wait for it or pass --lock-wait SECONDS"
                )
            time.sleep(0.2)
        yield
    finally:
        # Closing the session releases the lock even if the unlock is never reached.
        conn.close()
