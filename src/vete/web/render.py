"""Templates, the page context (language, signed-in user), times in the clinic's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from vete.api.problems import RETRY_AFTER_S
from vete.web.i18n import MESSAGES, pick_language

HERE = Path(__file__).parent
LANG_COOKIE = "vete_lang"

templates = Jinja2Templates(directory=HERE / "templates")


def clinic_time(value: datetime, timezone: str) -> str:
    """``2027-03-01 10:00`` on the clinic's wall clock."""
    return value.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def clinic_hour(value: datetime, timezone: str) -> str:
    """``10:00`` on the clinic's wall clock."""
    return value.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def next_open_day(timezone: str) -> date:
    """Tomorrow in the clinic, skipping Sunday (the demo clinics close on Sundays)."""
    day = datetime.now(ZoneInfo(timezone)).date() + timedelta(days=1)
    return day + timedelta(days=1) if day.isoweekday() == 7 else day


def money(value: Any) -> str:
    """A price with thousands separators and no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


templates.env.filters["clinic_time"] = clinic_time
templates.env.filters["clinic_hour"] = clinic_hour
templates.env.filters["money"] = money


def language(request: Request) -> str:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """Render a page with the language's words as ``t`` and the signed-in identity."""
    lang = language(request)
    identity = getattr(request.state, "identity", None)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": MESSAGES[lang],
            "lang": lang,
            "signed_in": identity is not None and identity.user_id is not None,
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def error_page(request: Request, *, status: int, code: str, detail: str) -> Response:
    """The HTML twin of a problem+json answer, for the pages."""
    response = render(request, "error.html", status=status, code=code, detail=detail)
    assert isinstance(response, HTMLResponse)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response
