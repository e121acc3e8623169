"""Appointments over HTTP against a real database: every endpoint and every error class."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from tests.api.conftest import (
    ANA,
    CONSULTA,
    FIRULAIS,
    JORGE,
    LUNA,
    MARIA,
    RETIRO_CONSULTA,
    SOFIA,
    TOBY,
    assert_problem,
    local,
    next_weekday,
)

CARLOS = "a0000000-0000-4000-8000-000000000002"
DAY = next_weekday(weekday=2, weeks=2)


def book_body(hour: int, minute: int = 0, pet=FIRULAIS, service=CONSULTA, vet=CARLOS, day=DAY):
    return {
        "pet_id": str(pet),
        "service_id": str(service),
        "vet_id": str(vet),
        "start_time": local(day, hour, minute),
    }


def count_active(url: str, vet: str, start: str) -> int:
    """Independent count of active appointments of a vet at a start (platform connection)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM appointments WHERE vet_id = %s AND start_time = %s"
            " AND status NOT IN ('cancelled', 'no_show')",
            [vet, start],
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_owner_books_a_free_slot_and_sees_it_in_mine(client, auth, demo_url):
    r = client.get(
        "/api/clinics/adris/availability",
        params={"day": DAY.isoformat(), "service_id": str(CONSULTA), "vet_id": CARLOS},
    )
    assert r.status_code == 200
    assert local(DAY, 9) in {s["start"] for s in r.json()} or r.json()
    r = client.post("/api/clinics/adris/appointments", json=book_body(9), headers=auth(MARIA))
    assert r.status_code == 201, r.text
    booked = r.json()
    assert booked["status"] == "scheduled"
    mine = client.get("/api/clinics/adris/appointments/mine", headers=auth(MARIA)).json()
    assert booked["appointment_id"] in {a["id"] for a in mine}
    one = client.get(f"/api/appointments/{booked['appointment_id']}", headers=auth(MARIA))
    assert one.status_code == 200
    assert one.json()["pet_name"] == "Firulais"
    assert count_active(demo_url, CARLOS, local(DAY, 9)) == 1


def test_losing_booker_gets_409_slot_unavailable(client, auth, demo_url):
    assert (
        client.post(
            "/api/clinics/adris/appointments", json=book_body(10), headers=auth(MARIA)
        ).status_code
        == 201
    )
    r = client.post(
        "/api/clinics/adris/appointments", json=book_body(10, pet=TOBY), headers=auth(JORGE)
    )
    assert_problem(r, 409, "SLOT_UNAVAILABLE")
    assert count_active(demo_url, CARLOS, local(DAY, 10)) == 1


def test_idempotency_key_returns_the_first_answer_once(client, auth, demo_url):
    headers = {**auth(MARIA), "Idempotency-Key": "book-" + uuid.uuid4().hex}
    first = client.post("/api/clinics/adris/appointments", json=book_body(11), headers=headers)
    again = client.post("/api/clinics/adris/appointments", json=book_body(11), headers=headers)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert first.json()["appointment_id"] == again.json()["appointment_id"]
    assert count_active(demo_url, CARLOS, local(DAY, 11)) == 1
    other = client.post("/api/clinics/adris/appointments", json=book_body(14), headers=headers)
    assert_problem(other, 409, "IDEMPOTENCY_CONFLICT")


@pytest.mark.parametrize(
    ("user", "body", "status", "code"),
    [
        (JORGE, book_body(15, pet=FIRULAIS), 404, "PET_NOT_FOUND"),  # not his pet
        (MARIA, book_body(15, service=RETIRO_CONSULTA), 404, "SERVICE_NOT_FOUND"),  # other clinic
        (MARIA, book_body(15, vet=uuid.uuid4()), 404, "VET_NOT_FOUND"),
        (SOFIA, book_body(15, pet=LUNA), 403, "UNAUTHORIZED"),  # not a member of adris
        (MARIA, book_body(20), 422, "OUTSIDE_WORKING_HOURS"),
        (MARIA, book_body(12, 15), 422, "DURING_BREAK"),
        (MARIA, {**book_body(15), "start_time": "2001-01-01T10:00:00Z"}, 422, "INVALID_TIME"),
        (MARIA, {**book_body(15), "duration_minutes": 0}, 403, "DURATION_NOT_ALLOWED"),
        (ANA, {**book_body(15), "duration_minutes": 0}, 422, "INVALID_DURATION"),
    ],
)
def test_business_errors_map_to_their_status(client, auth, user, body, status, code):
    r = client.post("/api/clinics/adris/appointments", json=body, headers=auth(user))
    assert_problem(r, status, code)


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"[]",
        b'{"pet_id": 5}',
        b'{"pet_id": "x", "service_id": "y", "vet_id": "z", "start_time": "soon"}',
    ],
)
def test_malformed_bodies_are_422_problems(client, auth, payload):
    r = client.post(
        "/api/clinics/adris/appointments",
        content=payload,
        headers={**auth(MARIA), "content-type": "application/json"},
    )
    body = assert_problem(r, 422, "INVALID_INPUT")
    assert body["errors"]


def test_naive_start_time_and_unknown_fields_are_refused(client, auth):
    naive = {**book_body(15), "start_time": "2030-01-01T10:00:00"}
    assert_problem(
        client.post("/api/clinics/adris/appointments", json=naive, headers=auth(MARIA)), 422
    )
    extra = {**book_body(15), "p_booked_by": str(ANA)}
    assert_problem(
        client.post("/api/clinics/adris/appointments", json=extra, headers=auth(MARIA)), 422
    )


def test_unknown_clinic_and_bad_slug(client, auth):
    assert_problem(client.get("/api/clinics/nowhere/services"), 404, "TENANT_NOT_FOUND")
    assert_problem(client.get("/api/clinics/NOT A SLUG/services"), 422, "INVALID_INPUT")
    assert_problem(client.get("/api/nothing-here"), 404, "NOT_FOUND")
    assert_problem(client.delete("/api/clinics"), 405)


def test_catalog_reads(client, auth):
    assert {s["name"] for s in client.get("/api/clinics/adris/services").json()} >= {"Vacunación"}
    assert len(client.get("/api/clinics/adris/vets").json()) == 2
    assert client.get("/api/clinics/retiro").json()["timezone"] == "Europe/Madrid"
    pets = client.get("/api/clinics/adris/pets", headers=auth(MARIA)).json()
    assert {p["name"] for p in pets} == {"Firulais", "Michi"}
    products = client.get("/api/clinics/adris/products").json()
    assert {p["sku"] for p in products} >= {"CAMA-PERRO-M"}


def test_reschedule_moves_in_place_and_frees_the_old_slot(client, auth, demo_url):
    appt = client.post(
        "/api/clinics/adris/appointments", json=book_body(16), headers=auth(MARIA)
    ).json()["appointment_id"]
    r = client.post(
        f"/api/appointments/{appt}/reschedule",
        json={"new_start_time": local(DAY, 16, 45)},
        headers=auth(MARIA),
    )
    assert r.status_code == 200, r.text
    assert r.json()["appointment_id"] == appt
    assert count_active(demo_url, CARLOS, local(DAY, 16)) == 0
    assert count_active(demo_url, CARLOS, local(DAY, 16, 45)) == 1
    # Another owner of the clinic may not move it; a stranger to the clinic cannot see it.
    move = {"new_start_time": local(DAY, 17)}
    assert_problem(
        client.post(f"/api/appointments/{appt}/reschedule", json=move, headers=auth(JORGE)),
        403,
        "UNAUTHORIZED",
    )
    assert_problem(
        client.post(f"/api/appointments/{appt}/reschedule", json=move, headers=auth(SOFIA)),
        404,
        "NOT_FOUND",
    )
    assert_problem(client.get(f"/api/appointments/{appt}", headers=auth(SOFIA)), 404)


def test_cancel_then_lifecycle_errors(client, auth):
    appt = client.post(
        "/api/clinics/adris/appointments", json=book_body(8), headers=auth(MARIA)
    ).json()["appointment_id"]
    assert_problem(
        client.post(f"/api/appointments/{appt}/cancel", json={"reason": "  "}, headers=auth(MARIA)),
        422,
        "REASON_REQUIRED",
    )
    assert_problem(
        client.post(f"/api/appointments/{appt}/cancel", json={}, headers=auth(MARIA)), 422
    )
    r = client.post(
        f"/api/appointments/{appt}/cancel", json={"reason": "viaje"}, headers=auth(MARIA)
    )
    assert r.status_code == 200
    assert r.json()["status"] == "cancelled"
    again = client.post(
        f"/api/appointments/{appt}/cancel", json={"reason": "viaje"}, headers=auth(MARIA)
    )
    assert_problem(again, 409, "INVALID_TRANSITION")
    assert_problem(
        client.post(
            f"/api/appointments/{appt}/reschedule",
            json={"new_start_time": local(DAY, 8, 30)},
            headers=auth(MARIA),
        ),
        409,
        "INVALID_STATUS",
    )


def test_status_changes_staff_and_owner(client, auth):
    appt = client.post(
        "/api/clinics/adris/appointments", json=book_body(13, 30), headers=auth(MARIA)
    ).json()["appointment_id"]
    owner_step = client.post(
        f"/api/appointments/{appt}/status", json={"status": "checked_in"}, headers=auth(MARIA)
    )
    assert_problem(owner_step, 403, "UNAUTHORIZED")
    r = client.post(
        f"/api/appointments/{appt}/status", json={"status": "confirmed"}, headers=auth(ANA)
    )
    assert r.status_code == 200
    assert r.json()["status"] == "confirmed"
    bogus = client.post(
        f"/api/appointments/{appt}/status", json={"status": "teleported"}, headers=auth(ANA)
    )
    assert_problem(bogus, 422, "INVALID_INPUT")
    missing = client.post(
        f"/api/appointments/{uuid.uuid4()}/status", json={"status": "confirmed"}, headers=auth(ANA)
    )
    assert_problem(missing, 404, "NOT_FOUND")


def test_clinic_day_is_for_staff(client, auth):
    client.post("/api/clinics/adris/appointments", json=book_body(17), headers=auth(MARIA))
    day = client.get("/api/clinics/adris/day", params={"day": DAY.isoformat()}, headers=auth(ANA))
    assert day.status_code == 200
    assert any(a["owner_name"] == "María Fernández" for a in day.json())
    assert_problem(
        client.get("/api/clinics/adris/day", params={"day": DAY.isoformat()}, headers=auth(MARIA)),
        403,
        "FORBIDDEN",
    )
    assert_problem(
        client.get("/api/clinics/retiro/day", params={"day": DAY.isoformat()}, headers=auth(ANA)),
        403,
        "FORBIDDEN",
    )
    assert_problem(
        client.get("/api/clinics/adris/day", params={"day": "31/02"}, headers=auth(ANA)), 422
    )
