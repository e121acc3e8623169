"""The JSON API as a FastAPI application: /api, /health, /metrics, /docs.

The API knows nothing of the web pages: :func:`vete.app.create_app` adds them to it.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from vete import __version__
from vete.api import docs, problems
from vete.api.auth import Verifier, shared_secret, verifier_from_settings
from vete.api.deps import AppState
from vete.api.observe import Metrics, ObserveMiddleware
from vete.api.routes import appointments, cart, clinics, health
from vete.db import make_async_pool
from vete.deploy import vete_source

DESCRIPTION = """\
Booking and store for veterinary clinics. Send `Authorization: Bearer <JWT>` (HS256 with the
shared secret, or RS256/ES256 from the configured JWKS; claims `sub`, `role`, `exp`).
Each request is one transaction acting as the token's user, so the database enforces who
may do what. Errors are `application/problem+json` with the business `code`.
"""


def create_api(
    database_url: str,
    *,
    verifier: Verifier | None = None,
    secret: str | None = None,
    pool_size: int = 10,
    pool_timeout_s: float = 2.0,
    statement_timeout_ms: int = 5000,
    lock_timeout_ms: int = 2000,
    demo_login: bool = False,
    metrics_token: str | None = None,
) -> FastAPI:
    """The API app; the connection pool opens at startup and closes at shutdown."""
    secret = secret or shared_secret()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await make_async_pool(
            database_url,
            min_size=min(2, pool_size),
            max_size=pool_size,
            timeout=pool_timeout_s,
            application_name="vete api",
        )
        app.state.vete = AppState(
            pool=pool,
            verifier=verifier or verifier_from_settings(),
            metrics=metrics,
            migrations=vete_source().load(),
            secret=secret,
            demo_login=demo_login,
            metrics_token=metrics_token,
            pool_timeout_s=pool_timeout_s,
            statement_timeout_ms=statement_timeout_ms,
            lock_timeout_ms=lock_timeout_ms,
        )
        # Everything loaded so far (FastAPI, pydantic, psycopg, the templates...) lives as
        # long as the process: move it out of the collector's reach, so a full collection
        # under load scans only request garbage (it took ~90 ms per collection here before,
        # stalling every request in flight on the worker).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await pool.close()
            gc.unfreeze()

    app = FastAPI(
        title="vete",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # /docs is served from this server's own copy of Swagger UI (vete.api.docs), and
        # ReDoc, which would load from a CDN, not at all.
        docs_url=None,
        redoc_url=None,
        # vete's telemetry is its own (Prometheus /metrics, JSON logs with request ids):
        # FastAPI's native OpenTelemetry would look up global providers on every request
        # (~3 % of a booking request's CPU here) to find none configured.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    problems.install(app)
    docs.install(app)
    for router in (clinics.router, appointments.router, cart.router, health.router):
        app.include_router(router)
    app.add_middleware(ObserveMiddleware, metrics=metrics)
    return app
