"""The race clinic: created with its people, services and stock, and removed afterwards."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete.errors import SchemaMissing

_queries: Any = aiosql.from_path(Path(__file__).with_name("world.sql"), "psycopg")

#: Units each merge product has: merges never hit the stock limit.
PLENTY = 1_000_000


@dataclass(frozen=True, slots=True)
class RaceClinic:
    """Ids of the race clinic (a direct connection is the platform: it may act for anyone)."""

    tenant: str
    vets: dict[str, uuid.UUID]  # one vet per booking scenario, so rounds never meet
    owners: tuple[uuid.UUID, ...]  # one per client: they book, reschedule and buy
    pets: dict[uuid.UUID, uuid.UUID]  # owner -> pet
    services: dict[str, uuid.UUID]  # consult 30 min, surgery 60 + 15 buffer, quick 15
    products: tuple[uuid.UUID, ...]  # merge products, plenty of stock
    last_units: uuid.UUID  # the product of the checkout race; stock set per round


def new_tenant_id() -> str:
    """``race-<random>``: a clinic id no real clinic has."""
    return f"race-{secrets.token_hex(5)}"


def require_schema(conn: psycopg.Connection[Any]) -> None:
    """Raise :class:`SchemaMissing` unless vete's booking and store schema is deployed."""
    ready = _queries.schema_ready(conn)
    conn.rollback()
    if not ready:
        raise SchemaMissing(
            "vete's schema is not deployed in this database (no appointments, carts or the"
            " atomic functions): run `vete db deploy` first"
        )


def create_clinic(
    conn: psycopg.Connection[Any], tenant: str, *, clients: int, vets: list[str]
) -> RaceClinic:
    """Insert the clinic in one transaction and commit."""
    with conn.transaction():
        _queries.create_tenant(conn, tenant=tenant)
        vet_ids = _ids(_queries.add_people(conn, tenant=tenant, role="vet", count=len(vets)))
        owners = _ids(_queries.add_people(conn, tenant=tenant, role="owner", count=clients))
        _queries.add_people(conn, tenant=tenant, role="admin", count=1)
        pets = {row["owner_id"]: row["id"] for row in _queries.add_pets(conn, tenant=tenant)}
        services = {
            name: _queries.add_service(
                conn, tenant=tenant, name=name, duration=duration, buffer=buffer
            )
            for name, (duration, buffer) in {
                "consult": (30, 0),
                "surgery": (60, 15),
                "quick": (15, 0),
            }.items()
        }
        _queries.open_around_the_clock(conn, tenant=tenant)
        products = _ids(_queries.add_products(conn, tenant=tenant, count=21, stock=PLENTY))
    return RaceClinic(
        tenant=tenant,
        vets=dict(zip(vets, vet_ids, strict=True)),
        owners=tuple(owners),
        pets=pets,
        services=services,
        products=tuple(products[:-1]),
        last_units=products[-1],
    )


def add_customers(conn: psycopg.Connection[Any], tenant: str, count: int) -> list[uuid.UUID]:
    """``count`` more owners (fresh shoppers with no cart); committed."""
    with conn.transaction():
        return _ids(_queries.add_people(conn, tenant=tenant, role="owner", count=count))


def remove_clinic(conn: psycopg.Connection[Any], tenant: str) -> int:
    """Delete every row of the clinic, history included; returns how many rows went.

    appointment_events is append-only (a trigger refuses DELETE), so the removal skips
    triggers for its own transaction: with ``session_replication_role = replica`` where the
    role may set it (asked first: on Citus that SET LOCAL must not be made inside a
    savepoint), else by disabling that one trigger inside the transaction (the table owner
    may), which other sessions never see disabled.
    """
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    with conn.transaction():
        guard_off = not _queries.may_bypass_triggers(conn)
        if guard_off:
            _queries.disable_history_guard(conn)
        else:
            _queries.bypass_triggers(conn)
        removed = int(_queries.remove_clinic(conn, tenant=tenant))
        if guard_off:
            _queries.enable_history_guard(conn)
    return removed


def _ids(rows: Any) -> list[uuid.UUID]:
    return [row["id"] if isinstance(row, dict) else row[0] for row in rows]
