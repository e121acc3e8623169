"""GET /health (database reachable, migrations current) and GET /metrics (Prometheus).

/metrics is the operator's: it answers only ``Authorization: Bearer <VETE_METRICS_TOKEN>``
(a static secret, not a user's JWT; Prometheus sends it with ``authorization:
credentials_file``), and is not served at all (404) when no metrics token is configured.
A token rather than a second port: one port to run and proxy, and the same answer from
every worker (docs/operations.md).
"""

from __future__ import annotations

import hmac

import psycopg
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from psycopg_pool import PoolTimeout

from vete.api.deps import StateDep
from vete.api.schemas import Health
from vete.db.work import arun
from vete.deploy import applied_rows_work, compare, vete_source
from vete.errors import NotFound, Unauthenticated

router = APIRouter(tags=["service"])


@router.get("/health", responses={503: {"model": Health}})
async def health(state: StateDep) -> Response:
    """200 when the database answers and every migration is applied unchanged, else 503."""
    counts = {"applied": 0, "pending": 0, "changed": 0, "missing": 0}
    try:
        async with state.pool.connection(timeout=state.pool_timeout_s) as conn:
            applied = await arun(conn, applied_rows_work(vete_source().set_name))
            states = compare(state.migrations, applied)
    except (PoolTimeout, psycopg.OperationalError) as exc:
        body = Health(
            status="degraded", database="unreachable", migrations=counts, detail=type(exc).__name__
        )
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "2"})
    for s in states:
        counts[s.state] += 1
    current = counts["pending"] == counts["changed"] == counts["missing"] == 0
    body = Health(
        status="ok" if current else "degraded",
        database="reachable",
        migrations=counts,
        detail=None if current else "migrations are not current: run `vete db deploy`",
    )
    return JSONResponse(body.model_dump(), status_code=200 if current else 503)


@router.get("/metrics", response_class=Response)
async def metrics(request: Request, state: StateDep) -> Response:
    """Prometheus text: requests and latency by route; booking, merge, checkout outcomes."""
    if not state.metrics_token:
        raise NotFound("not found", code="NOT_FOUND")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = state.metrics_token.encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Unauthenticated("/metrics needs Authorization: Bearer <the metrics token>")
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
