"""The pages' answers to errors: HTML (or a redirect to sign in) where the API answers
problem+json.

Installed over :mod:`vete.api.problems`'s handlers when the pages are mounted; a request
that is not a page's (``/api/…``, ``/health`` …) is passed on to those handlers unchanged.
"""

from __future__ import annotations

from urllib.parse import quote

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from vete.api import problems
from vete.api.deps import SESSION_COOKIE
from vete.api.problems import is_page
from vete.errors import VeteError
from vete.web.render import error_page


async def vete_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.vete_error(request, exc)
    assert isinstance(exc, VeteError)
    status, _ = problems.classify(exc)
    if status == 401:
        # A page visited without (or with an expired) sign-in: go and sign in.
        response = RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return error_page(request, status=status, code=exc.code, detail=exc.message)


async def database_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.database_error(request, exc)
    return await vete_error(request, problems.database_failure(exc))


async def validation_error(request: Request, exc: Exception) -> Response:
    if not is_page(request):
        return await problems.validation_error(request, exc)
    assert isinstance(exc, RequestValidationError)
    _, detail = problems.validation_errors(exc)
    return error_page(request, status=422, code="INVALID_INPUT", detail=detail)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if not is_page(request) or exc.status_code != 404:
        return await problems.http_error(request, exc)
    return error_page(request, status=404, code=problems.http_code(exc), detail=str(exc.detail))


def install(app: FastAPI) -> None:
    """Answer the pages' errors as pages (each handler defers to the API's for the rest)."""
    app.add_exception_handler(VeteError, vete_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(psycopg.OperationalError, database_error)
    app.add_exception_handler(psycopg.DataError, database_error)
