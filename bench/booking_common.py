"""Shared setup of the booking benchmarks: a fresh database with vete's schema and a clinic."""

from __future__ import annotations

import statistics
import uuid
from typing import Any

import psycopg
from psycopg import conninfo, sql
from psycopg.rows import dict_row

from vete.db import resolve_database_url
from vete.testing.plugin import apply_schema

TENANT = "benchclinic"


def fresh_database(name: str, admin_url: str | None = None) -> str:
    """Recreate ``name`` on ``admin_url``'s server (default: DATABASE_URL or embedded) with
    vete's schema."""
    admin_url = admin_url or resolve_database_url()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = conninfo.make_conninfo(admin_url, dbname=name)
    apply_schema(url)
    return url


def drop_database(url: str) -> None:
    """Drop the database ``url`` names (from that server's postgres database)."""
    name = conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(conninfo.make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def seed_clinic(url: str, *, vets: int, tenant: str = TENANT) -> dict[str, Any]:
    """One clinic open around the clock every day, ``vets`` vets, one owner with a pet."""
    ids: dict[str, Any] = {"vets": [uuid.uuid4() for _ in range(vets)], "owner": uuid.uuid4()}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        conn.execute(
            # The benchmarks book from 2031 on: past the default 730-day horizon (016),
            # every call would measure the START_TOO_FAR_AHEAD refusal, not a booking.
            "INSERT INTO tenants (id, name, timezone, settings)"
            " VALUES (%s, 'Bench', 'UTC', '{\"booking_horizon_days\": 9999}')",
            [tenant],
        )
        conn.execute(
            "INSERT INTO profiles (tenant_id, id, role, full_name) VALUES (%s, %s, 'owner', 'O')",
            [tenant, ids["owner"]],
        )
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO profiles (tenant_id, id, role, full_name) VALUES (%s, %s, 'vet', 'V')",
                [(tenant, vet) for vet in ids["vets"]],
            )
        conn.execute(
            "INSERT INTO vet_working_hours (tenant_id, vet_id, weekday, starts_at, ends_at)"
            " SELECT %s, p.id, d, '00:00', '24:00' FROM profiles p, generate_series(1, 7) d"
            " WHERE p.tenant_id = %s AND p.role = 'vet'",
            [tenant, tenant],
        )
        row = conn.execute(
            "INSERT INTO pets (tenant_id, owner_id, name) VALUES (%s, %s, 'P') RETURNING id",
            [tenant, ids["owner"]],
        ).fetchone()
        assert row is not None
        ids["pet"] = row["id"]
        row = conn.execute(
            "INSERT INTO services (tenant_id, name, duration_minutes) VALUES (%s, 'S', 30)"
            " RETURNING id",
            [tenant],
        ).fetchone()
        assert row is not None
        ids["service"] = row["id"]
    return ids


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (0-100) of samples, by linear interpolation."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=1000, method="inclusive")[int(pct * 10) - 1]
