from tests.api.conftest import MARIA, CONSULTA, next_weekday


def test_clinics_and_slots(client, auth):
    r = client.get("/api/clinics")
    assert r.status_code == 200, r.text
    assert {c["id"] for c in r.json()} == {"adris", "retiro"}
    day = next_weekday()
    r = client.get("/api/clinics/adris/availability", params={"day": day.isoformat(), "service_id": str(CONSULTA)})
    assert r.status_code == 200, r.text
    assert r.json()
    r = client.get("/api/me", headers=auth(MARIA))
    assert r.status_code == 200, r.text
    print(r.json())
    r = client.get("/", headers={"accept-language": "en"})
    assert r.status_code == 200, r.text
    print(r.text[:300])
