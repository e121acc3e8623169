"""Bearer tokens as Supabase signs them; every bad token is a 401 problem, never a 500."""

from __future__ import annotations

import json
import threading
import time
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.api.conftest import MARIA, SECRET, assert_problem
from vete.api import Verifier
from vete.errors import Unauthenticated


def claims(**over):
    now = int(time.time())
    return {
        "sub": str(MARIA),
        "role": "authenticated",
        "aud": "authenticated",
        "exp": now + 60,
        **over,
    }


def hs(payload, secret=SECRET, **kw):
    return jwt.encode(payload, secret, algorithm="HS256", **kw)


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({}, "missing"),
        ({"Authorization": "Basic bWFyaWE6eA=="}, "not bearer"),
        ({"Authorization": "Bearer "}, "empty"),
        ({"Authorization": "Bearer not.a.jwt"}, "garbage"),
        ({"Authorization": f"Bearer {hs(claims(exp=int(time.time()) - 3600))}"}, "expired"),
        ({"Authorization": f"Bearer {hs(claims(), secret='another-secret-' * 3)}"}, "other secret"),
        ({"Authorization": f"Bearer {hs(claims(aud='other'))}"}, "audience"),
        ({"Authorization": f"Bearer {hs(claims(role='postgres'))}"}, "role"),
        ({"Authorization": f"Bearer {hs(claims(sub='not-a-uuid'))}"}, "sub"),
        (
            {"Authorization": f"Bearer {hs({k: v for k, v in claims().items() if k != 'exp'})}"},
            "no exp",
        ),
        ({"Authorization": "Bearer " + jwt.encode(claims(), None, algorithm="none")}, "alg none"),
    ],
)
def test_bad_tokens_are_401(client, headers, why):
    r = client.get("/api/me", headers=headers)
    body = assert_problem(r, 401, "UNAUTHENTICATED")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert body["detail"]


def test_cookie_is_not_accepted_by_the_api(client, token):
    r = client.get("/api/me", headers={"Cookie": f"vete_session={token(MARIA)}"})
    assert_problem(r, 401)


def test_valid_token_without_aud_is_accepted(client):
    no_aud = {k: v for k, v in claims().items() if k != "aud"}
    r = client.get("/api/me", headers={"Authorization": f"Bearer {hs(no_aud)}"})
    assert r.status_code == 200
    assert r.json()[0]["tenant_id"] == "adris"


def test_stranger_with_a_valid_token_sees_nothing_of_the_clinic(client):
    stranger = hs(claims(sub=str(uuid.uuid4())))
    r = client.get("/api/clinics/adris/cart", headers={"Authorization": f"Bearer {stranger}"})
    assert_problem(r, 403, "UNAUTHORIZED")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {stranger}"}).json() == []


def _jwks(tmp_path, key, alg, kid):
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**jwk, "kid": kid, "alg": alg, "use": "sig"}]}))
    return path


@pytest.mark.parametrize(
    ("alg", "make_key"),
    [
        ("RS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("ES256", lambda: ec.generate_private_key(ec.SECP256R1())),
    ],
)
def test_jwks_file_verifies_asymmetric_tokens(tmp_path, alg, make_key):
    key = make_key()
    verifier = Verifier(jwks_file=_jwks(tmp_path, key, alg, "k1"))
    token = jwt.encode(claims(), key, algorithm=alg, headers={"kid": "k1"})
    assert verifier.verify(token).user_id == MARIA
    with pytest.raises(Unauthenticated):
        verifier.verify(jwt.encode(claims(), make_key(), algorithm=alg, headers={"kid": "k1"}))
    with pytest.raises(Unauthenticated):
        verifier.verify(jwt.encode(claims(), key, algorithm=alg, headers={"kid": "unknown"}))
    # Without a shared secret, HS256 is refused (no algorithm confusion).
    with pytest.raises(Unauthenticated):
        verifier.verify(hs(claims()))


@pytest.fixture
def jwks_url(tmp_path):
    """A JWKS served over HTTP from tmp_path/jwks.json (as Supabase serves its keys)."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    server.shutdown()
    server.server_close()


def test_jwks_url_verifies_asymmetric_tokens(tmp_path, jwks_url):
    key = ec.generate_private_key(ec.SECP256R1())
    _jwks(tmp_path, key, "ES256", "k1")
    verifier = Verifier(jwks_url=jwks_url)
    token = jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "k1"})
    assert verifier.verify(token).user_id == MARIA
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(Unauthenticated):
        verifier.verify(jwt.encode(claims(), other, algorithm="ES256", headers={"kid": "k1"}))
    with pytest.raises(Unauthenticated, match="signing key not found"):
        verifier.verify(jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "nope"}))


def test_unreachable_jwks_url_is_a_401_not_a_crash(tmp_path, jwks_url):
    key = ec.generate_private_key(ec.SECP256R1())
    verifier = Verifier(jwks_url=jwks_url.replace("jwks.json", "missing.json"))
    token = jwt.encode(claims(), key, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated, match="signing key not found"):
        verifier.verify(token)


def test_a_remembered_token_still_expires(monkeypatch):
    """Verified tokens are cached, but each use checks exp again: no life after expiry."""
    verifier = Verifier(secret=SECRET)
    token = hs(claims(exp=int(time.time()) + 30))
    assert verifier.verify(token).user_id == MARIA
    assert verifier.verify(token).user_id == MARIA  # from the cache
    later = time.time() + 30 + 6  # past exp and the 5 s leeway
    monkeypatch.setattr("vete.api.auth.time.time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        verifier.verify(token)


def test_a_token_is_verified_once_per_verifier(monkeypatch):
    """The signature is checked on first use only; another token is checked on its own."""
    calls = []
    decode = jwt.decode
    monkeypatch.setattr(
        "vete.api.auth.jwt.decode", lambda *a, **kw: calls.append(1) or decode(*a, **kw)
    )
    verifier = Verifier(secret=SECRET)
    token, other = hs(claims()), hs(claims(jti="2"))
    for _ in range(3):
        verifier.verify(token)
    verifier.verify(other)
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("header_alg", "key_alg", "make_key", "sign_key"),
    [
        # The header says ES256, the kid names an RSA key (the token signed with an EC key).
        (
            "ES256",
            "RS256",
            lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
            lambda: ec.generate_private_key(ec.SECP256R1()),
        ),
        # The header says RS256, the kid names an EC key.
        (
            "RS256",
            "ES256",
            lambda: ec.generate_private_key(ec.SECP256R1()),
            lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ),
    ],
)
def test_a_header_algorithm_that_does_not_fit_the_kids_key_is_a_401(
    tmp_path, client, header_alg, key_alg, make_key, sign_key
):
    verifier = Verifier(jwks_file=_jwks(tmp_path, make_key(), key_alg, "k1"))
    token = jwt.encode(claims(), sign_key(), algorithm=header_alg, headers={"kid": "k1"})
    with pytest.raises(Unauthenticated, match="algorithm"):
        verifier.verify(token)
    # The same token on the API (whose verifier has no JWKS) is a 401 problem too.
    assert_problem(client.get("/api/me", headers={"Authorization": f"Bearer {token}"}), 401)


def test_a_jwks_key_without_alg_still_fixes_the_algorithm(tmp_path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = _jwks(tmp_path, rsa_key, "RS256", "k1")
    jwks = json.loads(path.read_text())
    del jwks["keys"][0]["alg"]
    path.write_text(json.dumps(jwks))
    verifier = Verifier(jwks_file=path)
    good = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "k1"})
    assert verifier.verify(good).user_id == MARIA
    bad = jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                     headers={"kid": "k1"})  # fmt: skip
    with pytest.raises(Unauthenticated, match="algorithm"):
        verifier.verify(bad)


def test_a_jwks_url_key_of_another_algorithm_is_a_401(tmp_path, jwks_url):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _jwks(tmp_path, rsa_key, "RS256", "k1")
    verifier = Verifier(jwks_url=jwks_url)
    token = jwt.encode(claims(), ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                       headers={"kid": "k1"})  # fmt: skip
    with pytest.raises(Unauthenticated, match="algorithm"):
        verifier.verify(token)
