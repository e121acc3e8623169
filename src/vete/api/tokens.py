"""Signed-out tokens: a request acts as its caller only if its token was not signed out.

A JWT is valid until its ``exp`` and the verifier (:mod:`vete.api.auth`) remembers the
ones it checked, so signing out of the pages must be recorded where every request looks:
``vete.revoked_tokens`` (migration 018), read in the same round trip that sets the
request's identity (:func:`act_as_caller_work`). No cache stands in front of that read,
so no cache can outlive a sign-out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosql

from vete.api.auth import Identity
from vete.db.work import Statement, Work
from vete.errors import Unauthenticated

_queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "tokens.sql", "psycopg")


def act_as_caller_work(
    identity: Identity, *, statement_timeout: str, lock_timeout: str
) -> Work[None]:
    """Act as ``identity`` for the rest of the transaction (as :func:`vete.session.act_as`);
    :class:`~vete.errors.Unauthenticated` when its token was signed out."""
    claims: dict[str, str] = {"role": identity.role}
    if identity.user_id is not None:
        claims["sub"] = str(identity.user_id)
    revoked = yield Statement(
        _queries.act_as_caller,
        {
            "token_sha256": identity.token_sha256,
            "claims": json.dumps(claims),
            "role": identity.role,
            "statement_timeout": statement_timeout,
            "lock_timeout": lock_timeout,
        },
    )
    if revoked:
        raise Unauthenticated("this token was signed out: sign in again")


def revoke_work(identity: Identity) -> Work[bool]:
    """Sign ``identity``'s token out until it expires; False when it already was."""
    if identity.token_sha256 is None:
        return False
    expires = datetime.fromtimestamp(float(identity.claims["exp"]), UTC)
    count = yield Statement(
        _queries.revoke_token, {"token_sha256": identity.token_sha256, "expires_at": expires}
    )
    return bool(count)
