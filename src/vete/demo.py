"""The demo dataset (``vete demo``): two clinics in different time zones, loaded idempotently."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete.errors import SchemaMissing
from vete.store.demo import load_store_demo

_queries: Any = aiosql.from_path(Path(__file__).with_name("demo.sql"), "psycopg")

#: Demo logins (emails) with their clinic and role; `vete token --user EMAIL` mints for them.
DEMO_USERS: dict[str, tuple[tuple[str, str], ...]] = {
    "ana@demo.vete": (("adris", "admin"),),
    "carlos@demo.vete": (("adris", "vet"),),
    "lucia@demo.vete": (("adris", "vet"), ("retiro", "vet")),
    "maria@demo.vete": (("adris", "owner"),),
    "jorge@demo.vete": (("adris", "owner"),),
    "elena@demo.vete": (("retiro", "admin"),),
    "pablo@demo.vete": (("retiro", "vet"),),
    "sofia@demo.vete": (("retiro", "owner"),),
}

Loader = Callable[[psycopg.Connection[Any]], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoSummary:
    """How much of the demo dataset the database holds after loading."""

    clinics: int
    profiles: int
    pets: int
    services: int
    hours: int
    products: int


def load_clinics(conn: psycopg.Connection[Any]) -> None:
    """Clinics, people, pets, services and weekly hours (booking's part of the demo)."""
    _queries.load_clinics(conn)


def load_store(conn: psycopg.Connection[Any]) -> None:
    """Products and stock for every clinic (the store's part of the demo)."""
    load_store_demo(conn)


#: Every part of the demo, in order.
DEMO_LOADERS: Sequence[Loader] = (load_clinics, load_store)


def load_demo(
    conn: psycopg.Connection[Any], *, loaders: Sequence[Loader] = DEMO_LOADERS
) -> DemoSummary:
    """Load the demo dataset in one transaction and commit; loading again changes nothing."""
    if not _queries.schema_ready(conn):
        conn.rollback()
        raise SchemaMissing(
            "vete's schema is not deployed in this database: run `vete db deploy` first"
        )
    with conn.transaction():
        for load in loaders:
            load(conn)
    row = _queries.demo_counts(conn)
    conn.commit()
    values = row if isinstance(row, dict) else dict(zip(DemoSummary.__slots__, row, strict=True))
    return DemoSummary(**{key: int(values[key]) for key in DemoSummary.__slots__})
