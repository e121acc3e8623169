"""Identity comes from the session: roles, claims and clinic membership."""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest


def as_caller(conn: psycopg.Connection[Any], role: str, sub: uuid.UUID | None) -> None:
    """Switch the transaction to a request's identity, as PostgREST does."""
    claims = {"role": role} | ({"sub": str(sub)} if sub else {})
    conn.execute("SELECT set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])
    conn.execute(f"SET LOCAL ROLE {role}")  # role is one of three fixed names


@pytest.fixture
def clinic(conn: psycopg.Connection[Any]) -> dict[str, uuid.UUID]:
    ids = {"owner": uuid.uuid4(), "vet": uuid.uuid4(), "stranger": uuid.uuid4()}
    conn.execute("INSERT INTO tenants (id, name) VALUES ('idclinic', 'Id Clinic')")
    conn.execute(
        "INSERT INTO profiles (tenant_id, id, role, full_name) VALUES"
        " ('idclinic', %s, 'owner', 'Olga'), ('idclinic', %s, 'vet', 'Victor')",
        [ids["owner"], ids["vet"]],
    )
    return ids


def test_direct_connection_without_claims_is_the_platform(conn: psycopg.Connection[Any]) -> None:
    assert conn.execute("SELECT vete.session_role() AS r").fetchone() == {"r": "service_role"}


def test_auth_uid_reads_the_sub_claim(conn: psycopg.Connection[Any]) -> None:
    user = uuid.uuid4()
    as_caller(conn, "authenticated", user)
    row = conn.execute("SELECT auth.uid() AS uid, vete.session_role() AS r").fetchone()
    assert row == {"uid": user, "r": "authenticated"}
    conn.rollback()


def test_claims_cannot_raise_a_switched_role(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "SELECT set_config('request.jwt.claims', %s, true)",
        [json.dumps({"role": "service_role", "sub": str(uuid.uuid4())})],
    )
    conn.execute("SET LOCAL ROLE authenticated")
    assert conn.execute("SELECT vete.is_service() AS s").fetchone() == {"s": False}
    conn.rollback()


def test_staff_is_decided_by_the_callers_profile(
    conn: psycopg.Connection[Any], clinic: dict[str, uuid.UUID]
) -> None:
    conn.commit()
    for who, expected in [("vet", True), ("owner", False), ("stranger", False)]:
        as_caller(conn, "authenticated", clinic[who])
        row = conn.execute("SELECT vete.is_staff_of('idclinic') AS staff").fetchone()
        assert row == {"staff": expected}, who
        conn.rollback()


def test_unknown_time_zone_is_refused(conn: psycopg.Connection[Any]) -> None:
    with pytest.raises(
        psycopg.errors.InvalidParameterValue, match="unknown time zone Mars/Olympus"
    ):
        conn.execute(
            "INSERT INTO tenants (id, name, timezone) VALUES ('mars', 'M', 'Mars/Olympus')"
        )
    conn.rollback()
