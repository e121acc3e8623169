"""The pages' answers to errors: HTML (or a redirect to sign in) where the API answers
problem+json.

Installed over :mod:`vete.api.problems`'s handlers when the pages are mounted; a request
that is not a page's (``/api/…``, ``/health`` …) is passed on to those handlers unchanged.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vete.api import problems
from vete.api.deps import SESSION_COOKIE
from vete.api.problems import is_page
from vete.errors import VeteError
from vete.web.render import error_page, here, keep_notice
from vete.web.signin import safe_next


async def vete_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.vete_error(request, exc)
    assert isinstance(exc, VeteError)
    status, _ = problems.classify(exc)
    if status == 401:
        return sign_in_again(request)
    return error_page(request, status=status, code=exc.code)


def sign_in_again(request: Request) -> Response:
    """A page that needs a sign-in: to the sign-in page, which comes back here (or, after a
    form, to the page the form was on). A session cookie that no longer works (expired,
    signed out, not ours) is said so, never a silent signed-out page."""
    back = here(request) if request.method in ("GET", "HEAD") else referring_page(request)
    response = RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        response.delete_cookie(SESSION_COOKIE, path="/")
        keep_notice(response, ("session_expired", {}))
    return response


def referring_page(request: Request) -> str:
    """The path of the page on this site a form was sent from (``/`` when unknown)."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.headers.get("host"):
        return "/"
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


async def database_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.database_error(request, exc)
    return await vete_error(request, problems.database_failure(exc))


async def validation_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.validation_error(request, exc)
    assert isinstance(exc, RequestValidationError)
    return error_page(request, status=422, code="INVALID_INPUT")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not is_page(request) or not 400 <= exc.status_code < 500:
        return await problems.http_error(request, exc)
    code = problems.http_code(exc)
    return error_page(
        request, status=exc.status_code, code="HTTP_ERROR" if code.startswith("HTTP_") else code
    )


def install(app: FastAPI) -> None:
    """Answer the pages' errors as pages (each handler defers to the API's for the rest)."""
    app.add_exception_handler(VeteError, vete_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(psycopg.OperationalError, database_error)
    app.add_exception_handler(psycopg.DataError, database_error)
