"""Overlapping active appointments of one vet: found and resolved in n log n (issue 17).

``sql/adopt_overlaps.sql`` sorts each vet's active appointments by start once and returns
only the clusters of mutually reachable overlaps (usually a handful of rows out of
millions); the pairwise comparison and the creation-order walk of ``--resolve`` then run
here, within one cluster at a time, where the rows are few.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, groupby
from pathlib import Path
from typing import Any

import aiosql
import psycopg

queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "adopt_overlaps.sql", "psycopg")

Row = dict[str, Any]


def _clusters(conn: psycopg.Connection[Any]) -> Iterator[list[Row]]:
    rows = queries.overlap_clusters(conn)
    for _, members in groupby(rows, key=lambda r: (r["tenant_id"], r["vet_id"], r["cluster"])):
        yield list(members)


def _overlap(a: Row, b: Row) -> bool:
    return bool(a["start_time"] < b["end_time"] and b["start_time"] < a["end_time"])


def _booked_order(row: Row) -> tuple[Any, str]:
    return (row["created_at"], str(row["id"]))


def find_overlaps(conn: psycopg.Connection[Any]) -> tuple[Row, ...]:
    """Pairs of overlapping active appointments of one vet; ``first`` was created earlier."""
    pairs: list[Row] = []
    for cluster in _clusters(conn):
        for a, b in combinations(cluster, 2):
            if not _overlap(a, b):
                continue
            first, second = sorted((a, b), key=_booked_order)
            pairs.append(
                {
                    "tenant_id": first["tenant_id"],
                    "vet_id": first["vet_id"],
                    "vet_name": first["vet_name"],
                    **{f"first_{k}": first[c] for k, c in _PAIR_FIELDS},
                    **{f"second_{k}": second[c] for k, c in _PAIR_FIELDS},
                }
            )
    pairs.sort(
        key=lambda p: (p["tenant_id"], str(p["vet_id"]), p["first_start"], p["second_start"])
    )
    return tuple(pairs)


_PAIR_FIELDS = (
    ("id", "id"),
    ("start", "start_time"),
    ("end", "end_time"),
    ("created", "created_at"),
    ("status", "status"),
)


def losers(cluster: list[Row]) -> Iterator[tuple[Row, Row]]:
    """In booking order, each appointment that overlaps one already kept, with that one."""
    kept: list[Row] = []
    for row in sorted(cluster, key=_booked_order):
        keeper = next((k for k in kept if _overlap(k, row)), None)
        if keeper is None:
            kept.append(row)
        else:
            yield row, keeper


def cancel_later_overlaps(conn: psycopg.Connection[Any], run_id: str) -> tuple[Row, ...]:
    """Cancel each appointment that overlaps one booked before it (logged; see docs/adopt.md)."""
    cancel = [pair for cluster in _clusters(conn) for pair in losers(cluster)]
    if not cancel:
        return ()
    return tuple(
        queries.cancel_overlapping(
            conn,
            run_id=run_id,
            ids=[str(row["id"]) for row, _ in cancel],
            keepers=[str(keeper["id"]) for _, keeper in cancel],
        )
    )
