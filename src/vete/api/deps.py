"""Typed dependencies: who is calling (``CurrentUser``) and their transaction (``ConnDep``).

Each request gets one pooled connection and one transaction in which
:func:`vete.session.act_as` has set the verified JWT claims and ``SET LOCAL ROLE``: the
database, not this layer, decides what the caller may read and write. The transaction
commits when the handler returns (before the response is sent) and rolls back when it
raises. No free connection in time, or no database: 503 with ``Retry-After``. Each
transaction has ``statement_timeout`` and ``lock_timeout`` set LOCAL (docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import psycopg
from fastapi import Depends, Path, Request
from prometheus_client import Counter
from psycopg_pool import ConnectionPool, PoolTimeout

from vete.api.auth import Identity, Verifier
from vete.api.observe import Metrics
from vete.api.problems import is_page
from vete.deploy.files import MigrationSet
from vete.errors import ServiceUnavailable, Unauthenticated, VeteError
from vete.session import act_as

#: Cookie holding the demo sign-in's token (web pages only; the API takes Bearer tokens).
SESSION_COOKIE = "vete_session"
ANON = Identity(user_id=None, role="anon", claims={})


@dataclass
class AppState:
    """What every request needs, built once per app."""

    pool: ConnectionPool[psycopg.Connection[dict[str, Any]]]
    verifier: Verifier
    metrics: Metrics
    migrations: MigrationSet
    secret: str
    demo_login: bool = False
    pool_timeout_s: float = 2.0
    statement_timeout_ms: int = 5000
    lock_timeout_ms: int = 2000
    extra: dict[str, Any] = field(default_factory=dict)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.vete
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def _token(request: Request) -> str | None:
    if is_page(request):
        return request.cookies.get(SESSION_COOKIE) or None
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be 'Bearer <token>'")
    return token.strip()


def identity_or_anon(request: Request, state: StateDep) -> Identity:
    """The verified caller, or ``anon`` when no token was sent (a bad token is a 401)."""
    cached: Identity | None = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    token = _token(request)
    identity = ANON if token is None else state.verifier.verify(token)
    request.state.identity = identity
    return identity


def require_identity(identity: Annotated[Identity, Depends(identity_or_anon)]) -> Identity:
    """The verified caller; no token is a 401."""
    if identity.user_id is None:
        raise Unauthenticated("sign in: send Authorization: Bearer <token>")
    return identity


CurrentUser = Annotated[Identity, Depends(require_identity)]
MaybeUser = Annotated[Identity, Depends(identity_or_anon)]


@contextmanager
def transaction(state: AppState, identity: Identity) -> Iterator[psycopg.Connection[Any]]:
    """One pooled connection, one transaction, acting as ``identity``."""
    try:
        conn = state.pool.getconn(timeout=state.pool_timeout_s)
    except PoolTimeout as exc:
        raise ServiceUnavailable("all database connections are busy; retry shortly") from exc
    try:
        with conn.transaction():
            # One round trip: identity, and bounds on every statement and lock wait.
            act_as(
                conn,
                user_id=identity.user_id,
                role=identity.role,
                statement_timeout=f"{state.statement_timeout_ms}ms",
                lock_timeout=f"{state.lock_timeout_ms}ms",
            )
            yield conn
    except psycopg.OperationalError as exc:
        raise ServiceUnavailable(f"database unavailable: {exc.__class__.__name__}") from exc
    finally:
        state.pool.putconn(conn)


def get_conn(
    state: StateDep, identity: Annotated[Identity, Depends(identity_or_anon)]
) -> Iterator[psycopg.Connection[Any]]:
    with transaction(state, identity) as conn:
        yield conn


# scope="function": commit before the response is sent, so a client that got 201 can
# read what it wrote on its very next request.
ConnDep = Annotated[psycopg.Connection[Any], Depends(get_conn, scope="function")]

TenantId = Annotated[
    str,
    Path(
        pattern=r"^[a-z][a-z0-9_-]{1,49}$",
        description="The clinic's slug (e.g. `adris`).",
        examples=["adris"],
    ),
]


@contextmanager
def counted(counter: Counter, *labels: str) -> Iterator[None]:
    """Count one outcome: ``OK``, or the business code of the vete error raised."""
    try:
        yield
    except VeteError as exc:
        counter.labels(*labels, exc.code).inc()
        raise
    counter.labels(*labels, "OK").inc()
