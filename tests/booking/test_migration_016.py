"""Migration 016 on a database with data: keys keep their replays, text is trimmed; its revert."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.world import Clinic, as_user, make_clinic, rpc
from tests.clock import days_ahead
from vete.migrations import MIGRATIONS_DIR

ASU = ZoneInfo("America/Asuncion")
MIGRATION = MIGRATIONS_DIR / "016_booking_hardening.sql"
REVERT = MIGRATIONS_DIR / "revert" / MIGRATION.name
VERIFY = MIGRATIONS_DIR / "verify" / MIGRATION.name
RECORDED_BEFORE_016 = uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff")


def at(days: int, hour: int) -> datetime:
    day = days_ahead(ASU, days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=ASU)


def booking_args(clinic: Clinic, owner: uuid.UUID, start: datetime, key: str) -> dict[str, Any]:
    return {
        "p_tenant_id": clinic.tenant_id,
        "p_pet_id": clinic.pet_of(owner),
        "p_service_id": clinic.services["consult"],
        "p_vet_id": clinic.vet,
        "p_start_time": start,
        "p_idempotency_key": key,
    }


@pytest.fixture
def deployed(database_factory: Callable[..., str]) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_factory(), row_factory=dict_row) as conn:
        yield conn


def test_016_deploys_on_existing_keys_and_each_caller_keeps_its_replay(
    deployed: psycopg.Connection[Any],
) -> None:
    """Bookings recorded under one key per clinic (016 reverted: the table as it was before
    016; the booking functions are their definitions', which only the bookings need), then
    016 applied over them."""
    conn = deployed
    clinic = make_clinic(conn, "migclinic")
    maria, jorge = clinic.owners
    marias_args = booking_args(clinic, maria, at(30, 9), "old-key")
    platform_args = booking_args(clinic, jorge, at(30, 10), "platform-key")
    marias = as_user(conn, maria, lambda: rpc(conn, "book_appointment_atomic", **marias_args))
    platform = as_user(
        conn,
        None,
        lambda: rpc(conn, "book_appointment_atomic", **platform_args),
        role="service_role",
    )
    assert marias["success"]
    assert platform["success"]
    conn.execute(REVERT.read_text())
    conn.commit()
    long_notes = "n" * 5000
    conn.execute(
        "UPDATE appointments SET notes = %s WHERE id = %s", [long_notes, marias["appointment_id"]]
    )
    conn.commit()

    conn.execute(MIGRATION.read_text())
    conn.commit()

    scopes = conn.execute(
        "SELECT idempotency_key, caller_id FROM booking_requests ORDER BY idempotency_key"
    ).fetchall()
    conn.commit()
    assert scopes == [
        {"idempotency_key": "old-key", "caller_id": RECORDED_BEFORE_016},
        {"idempotency_key": "platform-key", "caller_id": RECORDED_BEFORE_016},
    ]
    # Retries of keys used before the migration still return their first answer ...
    assert as_user(conn, maria, lambda: rpc(conn, "book_appointment_atomic", **marias_args)) == (
        marias
    )
    again = as_user(
        conn,
        None,
        lambda: rpc(conn, "book_appointment_atomic", **platform_args),
        role="service_role",
    )
    assert again == platform
    # ... to their own caller only: Jorge repeating María's request is not a replay of hers,
    jorge_as_maria = as_user(
        conn, jorge, lambda: rpc(conn, "book_appointment_atomic", **marias_args)
    )
    assert jorge_as_maria["error"] == "PET_NOT_FOUND"
    # and her old key is free for him.
    jorges_args = booking_args(clinic, jorge, at(30, 11), "old-key")
    jorges = as_user(conn, jorge, lambda: rpc(conn, "book_appointment_atomic", **jorges_args))
    assert jorges["success"], jorges
    assert as_user(conn, jorge, lambda: rpc(conn, "book_appointment_atomic", **jorges_args)) == (
        jorges
    )
    # The over-long notes were trimmed, so the appointment can still be cancelled.
    notes = conn.execute(
        "SELECT char_length(notes) AS n FROM appointments WHERE id = %s",
        [marias["appointment_id"]],
    ).fetchone()
    conn.commit()
    assert notes == {"n": 2000}
    cancelled = as_user(
        conn,
        maria,
        lambda: rpc(
            conn, "cancel_appointment", p_appointment_id=marias["appointment_id"], p_reason="x"
        ),
    )
    assert cancelled["success"], cancelled
    # The CHECKs were added NOT VALID; validating them later (online) succeeds.
    conn.execute("ALTER TABLE appointments VALIDATE CONSTRAINT appointments_text_bounded")
    conn.execute(
        "ALTER TABLE appointment_events VALIDATE CONSTRAINT appointment_events_reason_bounded"
    )
    conn.commit()


def test_revert_016_goes_back_to_one_key_per_clinic_leaves_the_definitions_and_applies_again(
    conn: psycopg.Connection[Any],
) -> None:
    functions = (
        "SELECT p.oid::regprocedure::text AS f, pg_get_functiondef(p.oid) AS d FROM pg_proc p"
        " WHERE p.proname IN ('book_appointment_atomic', 'reschedule_appointment_atomic',"
        " 'set_appointment_status', 'get_available_slots') ORDER BY 1"
    )
    with conn.transaction(force_rollback=True):
        before = conn.execute(functions).fetchall()
        assert len(before) == 4
        conn.execute(REVERT.read_text())
        # Their definition files are their one current source (docs/deploy.md).
        assert conn.execute(functions).fetchall() == before
        key = conn.execute(
            "SELECT pg_get_indexdef(conindid) AS d FROM pg_constraint"
            " WHERE conrelid = 'booking_requests'::regclass AND contype = 'p'"
        ).fetchone()
        assert key is not None
        assert key["d"].endswith("(tenant_id, idempotency_key)")
        conn.execute(MIGRATION.read_text())
        conn.execute(VERIFY.read_text())
