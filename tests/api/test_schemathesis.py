"""Property-based requests from the OpenAPI schema (schemathesis): never a 5xx.

Every operation gets ``EXAMPLES`` generated requests with a valid owner's token (so the
requests reach the database, not just the auth check); the last test checks the total is
at least 1,000. A longer run: ``bench/api_fuzz.md`` in docs/api.md.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NotSet

from tests.api.conftest import MARIA, SECRET
from vete.api import Verifier, mint_token
from vete.app import create_app

EXAMPLES = 60


@pytest.fixture(scope="module")
def app_client(demo_url):
    app = create_app(demo_url, verifier=Verifier(secret=SECRET), secret=SECRET, pool_size=4)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def api_schema(app_client):
    return schemathesis.openapi.from_asgi("/openapi.json", app_client.app)


def send(client: TestClient, case: schemathesis.Case) -> int:
    """Send one generated request with a valid owner's token; return its status."""
    headers = {"Authorization": f"Bearer {mint_token(SECRET, user_id=MARIA)}"}
    body = {} if isinstance(case.body, NotSet) else {"json": case.body}
    response = client.request(
        case.method,
        case.formatted_path,
        params=case.query,
        headers={**(case.headers or {}), **headers},
        **body,
    )
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    assert "Traceback" not in response.text
    return response.status_code


def test_no_server_errors_over_a_thousand_generated_requests(app_client, api_schema):
    sent: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            sent.append(send(app_client, case))

        run()
    assert len(sent) >= 1000, len(sent)
    assert any(400 <= s < 500 for s in sent)
    assert any(s < 300 for s in sent)
