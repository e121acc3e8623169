"""A race harness: N clients on their own connections, released together by a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.rows import dict_row

BARRIER_TIMEOUT_S = 120


def race(
    database_url: str,
    *,
    clients: int,
    rounds: int,
    setup: Callable[[int], Any],
    action: Callable[[int, psycopg.Connection[Any], Any], Any],
    check: Callable[[int, Any, list[Any]], None],
) -> None:
    """Run ``rounds`` rounds; in each, every client calls ``action`` at once.

    ``setup(round)`` runs first (in the main thread) and returns the round's context;
    the clients, each on a connection of its own opened once, wait on one barrier and then
    call ``action(client, conn, context)``; ``check(round, context, results)`` then judges
    the round (results by client; an exception a client raised is its result).
    """
    start = threading.Barrier(clients + 1, timeout=BARRIER_TIMEOUT_S)
    done = threading.Barrier(clients + 1, timeout=BARRIER_TIMEOUT_S)
    context: list[Any] = [None]
    results: list[Any] = [None] * clients

    def client(index: int) -> None:
        try:
            with psycopg.connect(database_url, row_factory=dict_row) as conn:
                for _ in range(rounds):
                    start.wait()
                    try:
                        results[index] = action(index, conn, context[0])
                    except Exception as exc:  # judged by check(), never swallowed
                        results[index] = exc
                        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                            conn.rollback()
                    done.wait()
        except threading.BrokenBarrierError:
            pass
        except BaseException:
            start.abort()
            done.abort()
            raise

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        for round_no in range(rounds):
            context[0] = setup(round_no)
            start.wait()
            done.wait()
            check(round_no, context[0], list(results))
    except BaseException:
        start.abort()
        done.abort()
        raise
    finally:
        for thread in threads:
            thread.join(timeout=BARRIER_TIMEOUT_S)
