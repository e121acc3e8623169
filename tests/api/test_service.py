"""/health, /metrics, request ids, logs, and 503 (never 500) when the database is out of reach."""

from __future__ import annotations

import json
import logging

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CONSULTA, MARIA, SECRET, assert_problem
from vete.api import Verifier, mint_token
from vete.app import create_app


def test_health_reports_database_and_migrations(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["database"] == "reachable"
    assert body["migrations"]["pending"] == 0
    assert body["migrations"]["applied"] >= 13


def test_request_id_is_echoed_or_made(client):
    r = client.get("/api/clinics", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    made = client.get("/api/clinics", headers={"X-Request-ID": "bad id\nwith newline"})
    assert made.headers["x-request-id"] != "abc-123"
    assert len(made.headers["x-request-id"]) == 32
    problem = client.get("/api/clinics/nowhere", headers={"X-Request-ID": "req-9"})
    assert problem.json()["request_id"] == "req-9"


def test_access_log_is_one_json_line_with_the_request_id(client, caplog):
    from vete.api.observe import JsonFormatter

    with caplog.at_level(logging.INFO, logger="vete.access"):
        client.get("/api/clinics", headers={"X-Request-ID": "log-me"})
    record = next(r for r in caplog.records if getattr(r, "request_id", None) == "log-me")
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/api/clinics"
    assert line["status"] == 200
    assert "duration_ms" in line


def test_metrics_by_route_template_and_outcome(demo_url, auth):
    with TestClient(_app(demo_url, metrics_token=METRICS_TOKEN)) as c:
        c.get(f"/api/appointments/{CONSULTA}", headers=auth(MARIA))
        c.post("/api/clinics/adris/checkout", headers=auth(MARIA))
        text = c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    assert 'route="/api/appointments/{appointment_id}"' in text
    assert str(CONSULTA) not in text
    assert "vete_http_request_duration_seconds_bucket" in text
    assert 'vete_checkout_outcomes_total{code="CART_EMPTY"}' in text


def _app(url: str, **kw):
    return create_app(url, verifier=Verifier(secret=SECRET), secret=SECRET, **kw)


def test_pool_exhausted_is_503_with_retry_after(demo_url, auth):
    """No connection in time is a 503 with Retry-After, for the API and for a page."""
    with TestClient(_app(demo_url, pool_size=1, pool_timeout_s=0.2)) as c:
        pool = c.app.state.vete.pool
        held = c.portal.call(pool.getconn)
        try:
            r = c.get("/api/clinics")
            assert_problem(r, 503, "SERVICE_UNAVAILABLE")
            assert r.headers["retry-after"] == "2"
            page = c.get("/")
            assert page.status_code == 503
            assert page.headers["retry-after"] == "2"
        finally:
            c.portal.call(pool.putconn, held)
        assert c.get("/api/clinics").status_code == 200
        assert c.get("/").status_code == 200


def test_database_gone_is_503_not_500(database_factory, vete_server):
    url = database_factory()
    with TestClient(_app(url, pool_size=2, pool_timeout_s=0.5), raise_server_exceptions=False) as c:
        assert c.get("/api/clinics").status_code == 200
        dbname = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        with vete_server.admin() as admin:
            admin.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        r = c.get("/api/clinics")
        assert_problem(r, 503)
        assert r.headers["retry-after"]
        health = c.get("/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"


METRICS_TOKEN = "metrics-token-for-tests-0123456789"


def test_metrics_are_off_without_a_metrics_token(client):
    assert_problem(client.get("/metrics"), 404)


def test_metrics_need_the_operators_token(demo_url):
    with TestClient(_app(demo_url, metrics_token=METRICS_TOKEN)) as c:
        assert_problem(c.get("/metrics"), 401)
        assert_problem(c.get("/metrics", headers={"Authorization": "Bearer wrong"}), 401)
        user = mint_token(SECRET, user_id=MARIA)  # a user's JWT is not the operator's token
        assert_problem(c.get("/metrics", headers={"Authorization": f"Bearer {user}"}), 401)
        r = c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert r.status_code == 200
        assert "vete_http_requests_total" in r.text


def test_app_from_settings_takes_the_metrics_token_from_the_environment(demo_url, monkeypatch):
    from vete.app import app_from_settings

    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("VETE_METRICS_TOKEN", METRICS_TOKEN)
    with TestClient(app_from_settings(secret=SECRET)) as c:
        assert c.get("/metrics").status_code == 401
        ok = c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert ok.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "names"),
    [
        ("/api/appointments/{a}/cancel", '{"reason": "a\\u0000b"}', "U+0000"),
        (
            "/api/clinics/adris/cart/merge",
            '{"items": [{"id": "a\\u0000b", "type": "product", "quantity": 1}]}',
            "U+0000",
        ),
        (
            "/api/clinics/adris/cart/merge",
            '{"items": [{"id": "a\\ud800b", "type": "product", "quantity": 1}]}',
            "Unicode",
        ),
    ],
)
def test_problem_bodies_carry_vetes_words_not_postgresqls(client, auth, path, body, names):
    r = client.post(
        path.replace("{a}", str(CONSULTA)),
        content=body,
        headers={**auth(MARIA), "content-type": "application/json"},
    )
    problem = assert_problem(r, 422, "INVALID_INPUT")
    assert names in problem["detail"]
    for leak in ("PostgreSQL", "invalid input syntax", "escape sequence", "for type", "0x00"):
        assert leak not in r.text
