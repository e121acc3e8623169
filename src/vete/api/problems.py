"""The one mapping from vete's errors to HTTP: RFC 9457 ``application/problem+json``.

Business codes keep their name in ``code``; the status follows the error class
(``SLOT_UNAVAILABLE`` → 409, not found → 404, forbidden → 403, invalid → 422). Anything
unexpected becomes a bare 500 problem with the request id and no stack trace.

``detail`` is for people: the code's sentence from :mod:`vete.messages` in the language
``Accept-Language`` asks for (Spanish by default; ``Content-Language`` says which), never
the SQL function's or Python's own message, which go to the log.

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
from vete.messages import Lang, error_text, pick_language, say

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


def api_language(request: Request) -> Lang:
    """The language of the API's words: ``Accept-Language``'s first that vete speaks."""
    return pick_language(None, None, request.headers.get("accept-language"))


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
    headers = {
        "X-Request-ID": str(body["request_id"] or ""),
        "Content-Language": api_language(request),
    }
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
    if status < 500:
        log.info("%s: %s", exc.code, exc.message)  # the specifics, for whoever debugs
    detail = error_text(exc.code, api_language(request))
    return problem(request, status=status, title=title, detail=detail, code=exc.code)


#: What vete says about a value PostgreSQL refused (SQLSTATE class 22), in its own words
#: (:mod:`vete.messages` keys): the server's message names SQL types and functions and is
#: not for the caller.
_DATA_PROBLEMS: dict[str | None, str] = {
    # psycopg refuses NUL before sending (no SQLSTATE); jsonb refuses \u0000 (22P05).
    None: "data.nul",
    "22P05": "data.nul",
    "22021": "data.unicode",
    "22P02": "data.format",
    "22003": "data.range",
    "22008": "data.time_range",
    "22007": "data.time_format",
    "22001": "data.too_long",
}


def data_problem(exc: psycopg.DataError, lang: Lang = "en") -> str:
    """vete's words for a value PostgreSQL (or psycopg) refused; the SQLSTATE, no SQL."""
    sqlstate = exc.sqlstate
    text = say(_DATA_PROBLEMS.get(sqlstate, "data.other"), lang)
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
    failure = database_failure(exc)
    if not isinstance(exc, psycopg.DataError):
        return await vete_error(request, failure)
    lang = api_language(request)
    detail = (
        f"{error_text(failure.code, lang)} {say('fields', lang, fields=data_problem(exc, lang))}"
    )
    return problem(request, status=422, title="Invalid input", detail=detail, code=failure.code)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def validation_errors(exc: RequestValidationError, lang: Lang) -> tuple[list[dict[str, Any]], str]:
    """The refused fields (``loc``, ``msg``, ``type``: pydantic's words, for programs) and
    one sentence in ``lang`` naming them all."""
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": str(e.get("type"))}
        for e in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(".".join(map(str, e["loc"])) for e in errors))
    detail = f"{error_text('INVALID_INPUT', lang)} {say('fields', lang, fields=fields)}"
    return errors, detail


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors, detail = validation_errors(exc, api_language(request))
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


def http_detail(exc: StarletteHTTPException, lang: Lang) -> str:
    """The sentence for an HTTP error: its code's, or the generic one (``HTTP_418`` …)."""
    code = http_code(exc)
    return error_text("HTTP_ERROR" if code.startswith("HTTP_") else code, lang)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = http_code(exc)
    detail = http_detail(exc, api_language(request))
    return problem(request, status=exc.status_code, title=str(exc.detail), detail=detail, code=code)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return problem(
        request,
        status=500,
        title="Internal error",
        detail=error_text("INTERNAL_ERROR", api_language(request)),
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
