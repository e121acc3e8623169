"""A token signed out of the pages is refused by every endpoint, as if it never existed."""

from __future__ import annotations

import pytest

from tests.security.conftest import SECRET
from tests.security.endpoint_ops import OPS
from tests.security.matrix import ACTORS, ENDPOINTS
from vete.api import mint_token
from vete.api.deps import SESSION_COOKIE

#: Endpoints that take no user's token answer as they would without one.
TOKENLESS = {"GET /health": 200, "GET /metrics": 401}
#: Requests whose body no caller may send are refused (422) before the token is looked
#: up in the database; like a 401, they change nothing.
INVALID_FOR_ALL = {
    row.name: 422
    for row in ENDPOINTS
    if all(cell.startswith("422") for key, cell in row.cells().items() if key != "anon")
}
EXPECTED = TOKENLESS | INVALID_FOR_ALL
CALLERS = {a.key: a for a in ACTORS if a.key in ("owner", "admin", "service")}


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("actor", sorted(CALLERS))
def test_a_signed_out_token_is_refused_by_every_endpoint(client, world, name, actor):
    who = CALLERS[actor]
    token = mint_token(SECRET, user_id=who.user_id, role=who.role)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=headers).status_code == 200  # valid, and remembered
    client.cookies.set(SESSION_COOKIE, token)
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    response = OPS[name](client, headers, world)
    assert response.status_code == EXPECTED.get(name, 401), response.text
