"""Demo catalog: products with stock for every clinic already loaded (for ``vete demo``)."""

from __future__ import annotations

from typing import Any

import psycopg

from vete.store._calls import queries


def load_store_demo(conn: psycopg.Connection[Any]) -> int:
    """Give every clinic the demo products and stock; returns how many were created.

    Idempotent: products a clinic already has (by SKU) are left as they are, stock
    included, so running it again creates nothing. Runs in the caller's transaction.
    """
    created = queries.ensure_demo_products(conn)
    return int(created or 0)
