"""The schema's own guarantees: tenant_id in every key, overlaps refused by the table itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from tests.booking.world import Clinic, make_clinic
from tests.clock import MONDAY, weekday_ahead


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(conn, "schemaclinic")


def test_every_tenant_table_keeps_tenant_id_in_every_key(conn: psycopg.Connection[Any]) -> None:
    problems = conn.execute("SELECT * FROM vete.tenant_key_violations()").fetchall()
    assert problems == []
    tables = conn.execute(
        "SELECT count(DISTINCT attrelid) AS n"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = attrelid"
        " WHERE attname = 'tenant_id' AND c.relkind = 'r'"
        " AND c.relnamespace = 'public'::regnamespace"
    ).fetchone()
    assert tables is not None
    assert tables["n"] >= 7  # the check looked at the booking tables, not at nothing


def test_the_tenant_key_check_catches_a_bad_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "CREATE TABLE public.bad_notes (tenant_id text NOT NULL, id uuid PRIMARY KEY,"
        " appointment_id uuid, UNIQUE (appointment_id))"
    )
    conn.execute(
        "CREATE TABLE public.bad_links (tenant_id text NOT NULL, id uuid,"
        " pet_id uuid, PRIMARY KEY (tenant_id, id))"
    )
    conn.execute("CREATE UNIQUE INDEX ON public.pets (id)")
    conn.execute(
        "ALTER TABLE public.bad_links ADD FOREIGN KEY (pet_id) REFERENCES public.pets (id)"
    )
    problems = {
        (r["table_name"], r["problem"])
        for r in conn.execute("SELECT * FROM vete.tenant_key_violations()").fetchall()
    }
    conn.rollback()
    assert problems == {
        ("public.bad_notes", "key without tenant_id"),
        ("public.bad_links", "foreign key without tenant_id"),
    }


def insert(
    conn: psycopg.Connection[Any],
    clinic: Clinic,
    start: datetime,
    minutes: int,
    *,
    buffer: int = 0,
    status: str = "scheduled",
    vet: uuid.UUID | None = None,
) -> None:
    conn.execute(
        "INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time, end_time,"
        " duration_minutes, buffer_minutes, status) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            clinic.tenant_id,
            clinic.pet_of(clinic.owner),
            clinic.services["consult"],
            vet or clinic.vet,
            start,
            start + timedelta(minutes=minutes),
            minutes,
            buffer,
            status,
        ],
    )


T0 = datetime.combine(weekday_ahead(UTC, MONDAY, weeks=7), time(12), tzinfo=UTC)


def test_a_direct_overlapping_insert_is_refused_by_the_table(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    insert(conn, clinic, T0, 30, buffer=10)
    conn.commit()
    for start, minutes in [
        (T0, 30),
        (T0 + timedelta(minutes=35), 10),
        (T0 - timedelta(minutes=5), 6),
    ]:
        with pytest.raises(psycopg.errors.ExclusionViolation, match="appointments_no_overlap"):
            insert(conn, clinic, start, minutes)
        conn.rollback()
    # Right after the buffer, another vet, or a cancelled row: accepted.
    insert(conn, clinic, T0 + timedelta(minutes=40), 20)
    insert(conn, clinic, T0, 30, vet=clinic.vets[0] if len(clinic.vets) > 1 else clinic.admins[0])
    insert(conn, clinic, T0, 30, status="cancelled")
    conn.commit()


def test_a_same_vet_id_in_another_clinic_is_a_different_calendar(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    # One person may be a vet in two clinics: the key folds the tenant in.
    other = make_clinic(conn, "schemaother", vets=0, shift=None, lunch=None)
    conn.execute(
        "INSERT INTO profiles (tenant_id, id, role, full_name)"
        " VALUES ('schemaother', %s, 'vet', 'V')",
        [clinic.vet],
    )
    other.vets.append(clinic.vet)
    later = T0 + timedelta(days=1)
    insert(conn, clinic, later, 30)
    insert(conn, other, later, 30)
    conn.commit()


def test_reactivating_a_cancelled_overlap_is_refused(
    conn: psycopg.Connection[Any], clinic: Clinic
) -> None:
    start = T0 + timedelta(days=2)
    insert(conn, clinic, start, 30)
    insert(conn, clinic, start, 30, status="cancelled")
    conn.commit()
    with pytest.raises(psycopg.errors.ExclusionViolation):
        conn.execute(
            "UPDATE appointments SET status = 'scheduled'"
            " WHERE start_time = %s AND status = 'cancelled'",
            [start],
        )
    conn.rollback()


@pytest.mark.parametrize(
    ("minutes", "end_shift"),
    [(0, 0), (-5, -5), (30, 31)],
    ids=["zero", "negative", "duration-mismatch"],
)
def test_malformed_rows_are_refused(
    conn: psycopg.Connection[Any], clinic: Clinic, minutes: int, end_shift: int
) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(
            "INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
            " end_time, duration_minutes) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                clinic.tenant_id,
                clinic.pet_of(clinic.owner),
                clinic.services["consult"],
                clinic.vet,
                T0 + timedelta(days=3),
                T0 + timedelta(days=3, minutes=end_shift),
                minutes,
            ],
        )
    conn.rollback()


def test_every_booking_object_has_a_comment(conn: psycopg.Connection[Any]) -> None:
    missing = conn.execute(
        "SELECT p.oid::regprocedure::text AS name FROM pg_proc p"
        " WHERE p.pronamespace IN ('public'::regnamespace, 'vete'::regnamespace)"
        " AND obj_description(p.oid, 'pg_proc') IS NULL"
        # a range type's constructors are made by CREATE TYPE, commented by the type
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
        " AND d.objid = p.oid AND d.deptype = 'i')"
        " UNION ALL SELECT c.oid::regclass::text FROM pg_class c"
        " WHERE c.relnamespace IN ('public'::regnamespace, 'vete'::regnamespace)"
        " AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL"
        # an extension's own views (Citus puts citus_tables, citus_schemas in public)
        " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
        " AND d.objid = c.oid AND d.deptype = 'e')"
    ).fetchall()
    assert missing == []


def test_every_plpgsql_function_answers_all_null_arguments(conn: psycopg.Connection[Any]) -> None:
    # What the deployer's probe does: call each PL/pgSQL function with NULLs; a body that
    # cannot run (SQLSTATE classes 0A, 42) fails, a business answer or no rows is fine.
    functions = conn.execute(
        "SELECT p.oid::regproc::text AS name, p.pronargs AS n FROM pg_proc p"
        " JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'"
        " WHERE p.pronamespace IN ('public'::regnamespace, 'vete'::regnamespace)"
        " AND p.prorettype <> 'trigger'::regtype"
    ).fetchall()
    conn.commit()
    assert len(functions) >= 6
    for function in functions:
        call = sql.SQL("SELECT * FROM {}({})").format(
            sql.SQL(function["name"]),
            sql.SQL(", ").join([sql.SQL("NULL")] * function["n"]),
        )
        with conn.transaction():
            conn.execute(call).fetchall()
        conn.rollback()
