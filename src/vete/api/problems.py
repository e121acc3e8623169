"""The one mapping from vete's errors to HTTP: RFC 9457 ``application/problem+json``.

Business codes keep their name in ``code``; the status follows the error class
(``SLOT_UNAVAILABLE`` → 409, not found → 404, forbidden → 403, invalid → 422). Anything
unexpected becomes a bare 500 problem with the request id and no stack trace.

The web pages answer the same errors as HTML (:mod:`vete.web.errors`, installed over
these handlers when the pages are mounted); nothing here knows about pages.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vete.errors import (
    Conflict,
    DatabaseUnavailable,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthenticated,
    VeteError,
)

log = logging.getLogger("vete.api")

PROBLEM = "application/problem+json"
TYPE_BASE = "https://vete.dev/problems/"
RETRY_AFTER_S = 2


_STATUS: tuple[tuple[type[VeteError], int, str], ...] = (
    (Unauthenticated, 401, "Unauthenticated"),
    (NotFound, 404, "Not found"),
    (Forbidden, 403, "Forbidden"),
    (Conflict, 409, "Conflict"),
    (InvalidInput, 422, "Invalid input"),
    (ServiceUnavailable, 503, "Service unavailable"),
    (DatabaseUnavailable, 503, "Service unavailable"),
)


def status_for(exc: VeteError) -> tuple[int, str]:
    """HTTP status and title of a vete error (500 for a class with no mapping)."""
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            return status, title
    return 500, "Internal error"


def problem(
    request: Request, *, status: int, title: str, detail: str, code: str, **extra: Any
) -> Response:
    """A problem+json response carrying the business code and the request id."""
    body = {
        "type": TYPE_BASE + code.lower().replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": str(request.url.path),
        "request_id": getattr(request.state, "request_id", None),
        **extra,
    }
    headers = {"X-Request-ID": str(body["request_id"] or "")}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="vete"'
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def is_page(request: Request) -> bool:
    """True for the web pages (HTML), false for the JSON API and the service endpoints."""
    path = request.url.path
    return not (path.startswith(("/api/", "/health", "/metrics", "/openapi", "/docs")))


def classify(exc: VeteError) -> tuple[int, str]:
    """:func:`status_for`, logging a vete error no class maps (a 500) on the way."""
    status, title = status_for(exc)
    if status == 500:
        log.error("unmapped vete error %s: %s", exc.code, exc)
    return status, title


async def vete_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, VeteError)
    status, title = classify(exc)
    return problem(request, status=status, title=title, detail=exc.message, code=exc.code)


#: What vete says about a value PostgreSQL refused (SQLSTATE class 22), in its own words:
#: the server's message names SQL types and functions and is not for the caller.
_DATA_PROBLEMS: dict[str | None, str] = {
    # psycopg refuses NUL before sending (no SQLSTATE); jsonb refuses \u0000 (22P05).
    None: "a text holds a NUL character (U+0000), which cannot be stored",
    "22P05": "a text holds a NUL character (U+0000) or another character that cannot be stored",
    "22021": "a text is not valid Unicode",
    "22P02": "a value is not in the expected format (malformed JSON, Unicode, number or id)",
    "22003": "a number is out of range",
    "22008": "a date or time is out of range",
    "22007": "a date or time is malformed",
    "22001": "a text is too long",
}
_DATA_PROBLEM = "a value is not valid here"


def data_problem(exc: psycopg.DataError) -> str:
    """vete's words for a value PostgreSQL (or psycopg) refused; the SQLSTATE, no SQL."""
    sqlstate = exc.sqlstate
    text = _DATA_PROBLEMS.get(sqlstate, _DATA_PROBLEM)
    return text if sqlstate is None else f"{text} (SQLSTATE {sqlstate})"


def database_failure(exc: Exception) -> VeteError:
    """Lost or refused database connections are a 503; bad values (SQLSTATE 22) a 422."""
    if isinstance(exc, psycopg.DataError):
        # The server's own words go to the log (with the request id), not to the caller.
        log.info("value refused by the database: %s", _first_line(exc))
        return InvalidInput(data_problem(exc), code="INVALID_INPUT")
    log.warning("database unavailable: %s", _first_line(exc))
    return ServiceUnavailable("database unavailable; retry shortly", code="DATABASE_UNAVAILABLE")


async def database_error(request: Request, exc: Exception) -> Response:
    return await vete_error(request, database_failure(exc))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def validation_errors(exc: RequestValidationError) -> tuple[list[dict[str, Any]], str]:
    """The refused fields (``loc``, ``msg``, ``type``) and one line naming them all."""
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
    return errors, detail


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors, detail = validation_errors(exc)
    return problem(
        request,
        status=422,
        title="Invalid input",
        detail=detail,
        code="INVALID_INPUT",
        errors=errors,
    )


def http_code(exc: StarletteHTTPException) -> str:
    """The business-style code of an HTTP error (``NOT_FOUND``, ``HTTP_418`` …)."""
    return {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 401: "UNAUTHENTICATED"}.get(
        exc.status_code, f"HTTP_{exc.status_code}"
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = http_code(exc)
    return problem(
        request, status=exc.status_code, title=str(exc.detail), detail=str(exc.detail), code=code
    )


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return problem(
        request,
        status=500,
        title="Internal error",
        detail="unexpected error; quote the request id when reporting it",
        code="INTERNAL_ERROR",
    )


def install(app: FastAPI) -> None:
    """Register the handlers: vete errors, validation, HTTP errors, and the last resort."""
    app.add_exception_handler(VeteError, vete_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(psycopg.OperationalError, database_error)
    app.add_exception_handler(psycopg.DataError, database_error)
    app.add_exception_handler(Exception, unexpected_error)
