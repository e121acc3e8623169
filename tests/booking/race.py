"""Rounds of racing clients for tests, on the product's race harness (``vete race``'s
:class:`vete.proof.harness.Crowd`): N connections, released together by a barrier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg

from vete.proof.harness import Crowd


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
    the clients, each on a connection of its own opened once, are released together and
    call ``action(client, conn, context)``; ``check(round, context, results)`` then judges
    the round (results by client; an exception a client raised is its result).
    """
    with Crowd(database_url, clients) as crowd:
        for round_no in range(rounds):
            context = setup(round_no)
            check(round_no, context, [call.result for call in crowd.round(action, context)])
