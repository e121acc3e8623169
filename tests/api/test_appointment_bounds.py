"""Out-of-range booking input over HTTP is a clear 4xx, and no stored row can break a read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

import psycopg
import pytest

from tests.api.conftest import (
    ANA,
    CONSULTA,
    FIRULAIS,
    JORGE,
    MARIA,
    TOBY,
    assert_problem,
    local,
    next_weekday,
)

CARLOS = "a0000000-0000-4000-8000-000000000002"
DAY = next_weekday(weekday=3, weeks=5)
YEAR_10000 = "9999-12-31T23:59:00-12:00"  # 10000-01-01 11:59 UTC


def book_body(hour: int, **extra: object) -> dict[str, object]:
    return {
        "pet_id": str(FIRULAIS),
        "service_id": str(CONSULTA),
        "vet_id": CARLOS,
        "start_time": local(DAY, hour),
    } | extra


@pytest.mark.parametrize("start", [YEAR_10000, "9999-12-31T23:00:00-03:00"])
def test_a_start_in_year_10000_utc_is_a_422_naming_the_field(client, auth, start):
    r = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(9, start_time=start),
        headers=auth(MARIA),
    )
    body = assert_problem(r, 422, "INVALID_INPUT")
    assert "start_time" in r.text, body


def test_a_start_beyond_the_horizon_is_a_422_with_its_code(client, auth):
    r = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(9, start_time="2200-01-07T10:00:00-03:00"),
        headers=auth(MARIA),
    )
    assert_problem(r, 422, "START_TOO_FAR_AHEAD")


def test_rescheduling_to_year_10000_is_a_422(client, auth):
    booked = client.post("/api/clinics/adris/appointments", json=book_body(9), headers=auth(MARIA))
    assert booked.status_code == 201, booked.text
    appointment = booked.json()["appointment_id"]
    r = client.post(
        f"/api/appointments/{appointment}/reschedule",
        json={"new_start_time": YEAR_10000},
        headers=auth(MARIA),
    )
    assert_problem(r, 422, "INVALID_INPUT")
    assert "new_start_time" in r.text


def test_an_owner_choosing_the_duration_is_refused_and_staff_may(client, auth):
    owner = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(10, duration_minutes=60),
        headers=auth(MARIA),
    )
    assert_problem(owner, 403, "DURATION_NOT_ALLOWED")
    staff = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(10, duration_minutes=45),
        headers=auth(ANA),
    )
    assert staff.status_code == 201, staff.text
    ends = datetime.fromisoformat(staff.json()["end_time"])
    assert ends == datetime.fromisoformat(local(DAY, 10, 45))


@pytest.mark.parametrize("field", ["notes", "reason"])
def test_over_long_text_is_a_422_before_the_database(client, auth, field):
    r = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(11, **{field: "N" * 2001}),
        headers=auth(MARIA),
    )
    body = assert_problem(r, 422, "INVALID_INPUT")
    assert field in r.text, body


def test_an_over_long_idempotency_key_is_a_422(client, auth):
    r = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(11),
        headers={**auth(MARIA), "Idempotency-Key": "k" * 201},
    )
    assert_problem(r, 422, "INVALID_INPUT")


def test_the_same_idempotency_key_books_for_maria_and_for_jorge(client, auth):
    key = "shared-" + uuid.uuid4().hex
    maria = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(15),
        headers={**auth(MARIA), "Idempotency-Key": key},
    )
    jorge = client.post(
        "/api/clinics/adris/appointments",
        json=book_body(16, pet_id=str(TOBY)),
        headers={**auth(JORGE), "Idempotency-Key": key},
    )
    assert maria.status_code == 201, maria.text
    assert jorge.status_code == 201, jorge.text
    assert maria.json()["appointment_id"] != jorge.json()["appointment_id"]


# --- a row outside Python's datetime range, written before the fix or straight into the table


@pytest.fixture(scope="module")
def year_10000_rows(demo_url: str) -> Iterator[list[str]]:
    """Two of María's appointments whose times only PostgreSQL can hold, one cancelled."""
    with psycopg.connect(demo_url) as conn:
        ids = [
            str(
                conn.execute(
                    "INSERT INTO appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
                    " end_time, duration_minutes, status)"
                    " VALUES ('adris', %s, %s, %s, %s::timestamptz,"
                    " %s::timestamptz + interval '30 minutes', 30, %s) RETURNING id",
                    [FIRULAIS, CONSULTA, CARLOS, start, start, status],
                ).fetchone()[0]  # type: ignore[index]
            )
            for start, status in [
                ("9999-12-31T23:00:00-03:00", "scheduled"),
                ("10000-03-01T10:00:00Z", "cancelled"),
            ]
        ]
    yield ids
    with psycopg.connect(demo_url) as conn:
        conn.execute("UPDATE appointments SET deleted_at = now() WHERE id = ANY(%s::uuid[])", [ids])


def test_my_appointments_still_answers_with_a_year_10000_row(client, auth, year_10000_rows):
    r = client.get("/api/clinics/adris/appointments/mine", headers=auth(MARIA))
    assert r.status_code == 200, r.text
    listed = {row["id"]: row for row in r.json()}
    assert set(year_10000_rows) <= listed.keys()
    assert listed[year_10000_rows[0]]["start_time"].startswith("9999-")


def test_one_far_future_appointment_reads_and_can_be_cancelled(client, auth, year_10000_rows):
    appointment = year_10000_rows[0]
    assert client.get(f"/api/appointments/{appointment}", headers=auth(MARIA)).status_code == 200
    r = client.post(
        f"/api/appointments/{appointment}/cancel", json={"reason": "typo"}, headers=auth(MARIA)
    )
    assert r.status_code == 200, r.text
    mine = client.get("/api/clinics/adris/appointments/mine", headers=auth(MARIA))
    assert mine.status_code == 200, mine.text


def test_the_staff_day_view_still_answers_on_the_last_day(client, auth, year_10000_rows):
    r = client.get(
        "/api/clinics/adris/day", params={"day": date(9999, 12, 31).isoformat()}, headers=auth(ANA)
    )
    assert r.status_code == 200, r.text
    assert year_10000_rows[0] in {row["id"] for row in r.json()}


@pytest.mark.parametrize("path", ["/c/adris/appointments", "/c/adris/day?day=9999-12-31"])
def test_the_pages_still_render_with_a_year_10000_row(client, token, year_10000_rows, path):
    user = ANA if "day" in path else MARIA
    r = client.get(path, headers={"cookie": f"vete_session={token(user)}"})
    assert r.status_code == 200, r.text[:500]
