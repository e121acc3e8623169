"""Typed dependencies: who is calling and their database (``UserDb``, ``PublicDb``).

Each request gets one pooled connection and one transaction in which
:func:`vete.session.act_as` has set the verified JWT claims and ``SET LOCAL ROLE``: the
database, not this layer, decides what the caller may read and write. The transaction
commits before the response is sent and rolls back when the work raises. No free
connection in time, or no database: 503 with ``Retry-After``. Each transaction has
``statement_timeout`` and ``lock_timeout`` set LOCAL (docs/reliability.md).

Routes and pages are ``async`` and await their work (:mod:`vete.db.work`) through
:meth:`Db.run` on psycopg's async pool, on the event loop: no thread-pool hops, no GIL
contention between request threads (docs/api.md, "Benchmark"). The pages take the
identity from the demo sign-in's cookie instead of a header.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import psycopg
from fastapi import Depends, Path, Request
from prometheus_client import Counter
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from vete.api.auth import Identity, Verifier
from vete.api.observe import Metrics
from vete.api.problems import is_page
from vete.api.tokens import act_as_caller_work
from vete.db.work import Work, arun
from vete.deploy import MigrationSet
from vete.errors import ServiceUnavailable, Unauthenticated, VeteError

#: Cookie holding the demo sign-in's token (web pages only; the API takes Bearer tokens).
SESSION_COOKIE = "vete_session"
T = TypeVar("T")
ANON = Identity(user_id=None, role="anon", claims={})


@dataclass
class AppState:
    """What every request needs, built once per app."""

    pool: AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]]
    verifier: Verifier
    metrics: Metrics
    migrations: MigrationSet
    secret: str
    demo_login: bool = False
    metrics_token: str | None = None
    pool_timeout_s: float = 2.0
    statement_timeout_ms: int = 5000
    lock_timeout_ms: int = 2000
    extra: dict[str, Any] = field(default_factory=dict)


async def get_state(request: Request) -> AppState:
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


def caller(request: Request, state: AppState) -> Identity:
    """The verified caller, or ``anon`` when no token was sent (a bad token is a 401).

    Kept on ``request.state`` too: the pages' templates show who is signed in from it
    (:func:`vete.web.render.render`).
    """
    cached: Identity | None = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    token = _token(request)
    identity = ANON if token is None else state.verifier.verify(token)
    request.state.identity = identity
    return identity


def _signed_in(identity: Identity) -> Identity:
    if identity.user_id is None:
        raise Unauthenticated("sign in: send Authorization: Bearer <token>")
    return identity


def _bounds(state: AppState) -> dict[str, str]:
    return {
        "statement_timeout": f"{state.statement_timeout_ms}ms",
        "lock_timeout": f"{state.lock_timeout_ms}ms",
    }


@asynccontextmanager
async def server_transaction(state: AppState) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    """One pooled connection and one transaction as the role vete's server connects with.

    Callers act as a request's identity next (:func:`transaction`), or, for vete's own
    bookkeeping that no client role may touch (signing a token out), do not.
    """
    try:
        conn = await state.pool.getconn(timeout=state.pool_timeout_s)
    except PoolTimeout as exc:
        raise ServiceUnavailable("all database connections are busy; retry shortly") from exc
    try:
        async with conn.transaction():
            yield conn
    except psycopg.OperationalError as exc:
        raise ServiceUnavailable(f"database unavailable: {exc.__class__.__name__}") from exc
    finally:
        await state.pool.putconn(conn)


@asynccontextmanager
async def transaction(
    state: AppState, identity: Identity
) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
    """One pooled connection, one transaction, acting as ``identity`` (401 when its token
    was signed out: :mod:`vete.api.tokens`)."""
    async with server_transaction(state) as conn:
        await arun(conn, act_as_caller_work(identity, **_bounds(state)))
        yield conn


class Db:
    """The caller and their database: :meth:`run` does one unit of work acting as them."""

    __slots__ = ("identity", "state")

    def __init__(self, state: AppState, identity: Identity) -> None:
        self.state = state
        self.identity = identity

    async def run(self, work: Work[T]) -> T:
        """``work`` in one transaction acting as the caller, committed before returning.

        On the async pool, on the event loop: no thread-pool hop (each cost ~0.1 ms of
        CPU) and no contention for the GIL between request threads.
        """
        async with transaction(self.state, self.identity) as conn:
            return await arun(conn, work)


# One dependency per route, with no sub-dependencies: FastAPI's dependency resolution
# costs CPU per dependency and per request (~40 us each here).
async def public_db(request: Request) -> Db:
    """The caller (``anon`` without a token) and their database."""
    state = await get_state(request)
    return Db(state, caller(request, state))


async def user_db(request: Request) -> Db:
    """The signed-in caller and their database; no token is a 401."""
    state = await get_state(request)
    return Db(state, _signed_in(caller(request, state)))


PublicDb = Annotated[Db, Depends(public_db)]
UserDb = Annotated[Db, Depends(user_db)]

#: A clinic's slug, as paths (and the device cart's keys) carry it.
TENANT_PATTERN = r"^[a-z][a-z0-9_-]{1,49}$"
TenantId = Annotated[
    str,
    Path(
        pattern=TENANT_PATTERN,
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
