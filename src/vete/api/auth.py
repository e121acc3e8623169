"""JWT verification as Supabase signs them (HS256 secret, or RS256/ES256 from a JWKS).

Claims used: ``sub`` (the auth user id), ``role`` (``authenticated`` …) and ``exp``;
``aud``, when present, must be ``authenticated`` as Supabase issues it. The clinic is
never a claim: it comes from the user's profile, which the database reads itself.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import jwt

from vete.config import Settings, get_settings
from vete.errors import ConfigError, Unauthenticated
from vete.session import ROLES, Role

#: Asymmetric algorithms accepted from a JWKS; HS256 only with the shared secret.
KEY_ALGORITHMS = ("RS256", "ES256")
AUDIENCE = "authenticated"
SECRET_FILE = "jwt_secret"
#: Clock skew allowed on ``exp``, in seconds.
LEEWAY_S = 5
#: Verified tokens remembered per verifier (one per signed-in client is plenty).
VERIFIED_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """A verified caller: the JWT ``sub``, the database role to act as, and the token's
    SHA-256 (how a signed-out token is recognised: :mod:`vete.api.tokens`)."""

    user_id: UUID | None
    role: Role
    claims: dict[str, Any]
    token_sha256: bytes | None = None


class Verifier:
    """Checks bearer tokens against a shared secret and/or a JWKS (file or URL)."""

    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_file: Path | None = None,
        jwks_url: str | None = None,
    ) -> None:
        if not (secret or jwks_file or jwks_url):
            raise ConfigError("no JWT key: set VETE_JWT_SECRET, VETE_JWKS_FILE or VETE_JWKS_URL")
        self.secret = secret
        self._jwks: jwt.PyJWKSet | None = None
        self._client: jwt.PyJWKClient | None = None
        if jwks_file is not None:
            self._jwks = jwt.PyJWKSet.from_json(jwks_file.read_text())
        if jwks_url:
            self._client = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300)
        self._verified = functools.lru_cache(maxsize=VERIFIED_CACHE_SIZE)(
            self._verify_signature_and_claims
        )

    def _key_for(self, token: str) -> tuple[Any, list[str]]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"malformed token: {exc}") from exc
        alg = header.get("alg")
        if alg == "HS256" and self.secret:
            return self.secret, ["HS256"]
        if alg in KEY_ALGORITHMS and (self._jwks or self._client):
            kid = header.get("kid")
            try:
                if self._jwks is not None:
                    matches = [k for k in self._jwks.keys if kid is None or k.key_id == kid]
                    if not matches:
                        raise Unauthenticated(f"no key {kid!r} in the JWKS")
                    key = matches[0]
                else:
                    assert self._client is not None
                    key = self._client.get_signing_key_from_jwt(token)
            except jwt.PyJWKClientError as exc:
                raise Unauthenticated(f"signing key not found: {exc}") from exc
            # The key decides the algorithm (its JWK "alg", else what its kty and curve
            # imply): a header naming another one is refused here, before PyJWT would hand
            # an RSA key to the EC verifier (which fails with a TypeError, a 500 before).
            if key.algorithm_name != alg:
                raise Unauthenticated(
                    f"token algorithm {alg!r} does not match key {kid!r} ({key.algorithm_name})"
                )
            return key.key, [key.algorithm_name]
        raise Unauthenticated(f"tokens signed with {alg!r} are not accepted here")

    def verify(self, token: str) -> Identity:
        """The identity of a valid token; anything else raises :class:`Unauthenticated`.

        A client sends the same token with every request until it expires, and checking a
        signature is a tenth of a booking request's CPU here: verified tokens are kept
        (LRU, :data:`VERIFIED_CACHE_SIZE`) with their ``exp``, which is checked again on every
        use, so a cached token stops working when it expires, exactly as an uncached one.
        Failures are never cached (``lru_cache`` does not keep exceptions).
        """
        identity, expires = self._verified(token)
        if time.time() > expires + LEEWAY_S:
            raise Unauthenticated("token expired")
        return identity

    def _verify_signature_and_claims(self, token: str) -> tuple[Identity, float]:
        key, algorithms = self._key_for(token)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                options={"require": ["exp", "sub"], "verify_aud": False},
                leeway=LEEWAY_S,
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        aud = claims.get("aud")
        if aud is not None and AUDIENCE not in ([aud] if isinstance(aud, str) else aud):
            raise Unauthenticated(f"token audience must be {AUDIENCE!r}")
        role = claims.get("role", "authenticated")
        if role not in ROLES:
            raise Unauthenticated(f"unknown role {role!r} in token")
        try:
            user_id = UUID(str(claims["sub"]))
        except ValueError as exc:
            raise Unauthenticated("token sub is not a user id") from exc
        digest = hashlib.sha256(token.encode()).digest()
        identity = Identity(user_id=user_id, role=role, claims=claims, token_sha256=digest)
        return identity, float(claims["exp"])


def mint_token(
    secret: str, *, user_id: UUID, ttl_s: int = 3600, role: Role = "authenticated"
) -> str:
    """An HS256 token with the claims Supabase issues (for demo users and tests).

    Each has its own ``jti``: two tokens minted in the same second differ, so signing one
    out (:mod:`vete.api.tokens`) leaves the other valid.
    """
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "role": role,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl_s,
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def shared_secret(data_dir: Path | None = None, settings: Settings | None = None) -> str:
    """``VETE_JWT_SECRET``, else the secret stored in the data dir (created on first use)."""
    settings = settings or get_settings()
    if settings.jwt_secret:
        return settings.jwt_secret
    path = (data_dir or settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def verifier_from_settings(settings: Settings | None = None) -> Verifier:
    """The verifier the settings configure: the shared secret plus any JWKS."""
    settings = settings or get_settings()
    return Verifier(
        secret=shared_secret(settings=settings),
        jwks_file=settings.jwks_file,
        jwks_url=settings.jwks_url or None,
    )
