"""Templates, the page context (language, signed-in user, a notice), times in the clinic's
zone, and the headers every page carries."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from vete.api.deps import TENANT_PATTERN
from vete.api.problems import RETRY_AFTER_S
from vete.web.guard import add_page_headers
from vete.web.i18n import MESSAGES, NOTICES, pick_language

HERE = Path(__file__).parent
LANG_COOKIE = "vete_lang"
#: A notice for the next page shown (after a redirect): ``KEY`` or ``KEY:COUNT``, where
#: KEY is one of :data:`vete.web.i18n.NOTICES`; shown once, then deleted.
NOTICE_COOKIE = "vete_notice"
CLINIC_SLUG = re.compile(TENANT_PATTERN)

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


def notice_text(lang: str, value: str | None) -> str | None:
    """The words of a notice (``KEY`` or ``KEY:COUNT``), or None for anything else."""
    key, _sep, count = (value or "").partition(":")
    if key not in NOTICES:
        return None
    return NOTICES[key][lang].format(n=int(count) if count.isdigit() else 1)


def keep_notice(response: Response, key: str, count: int = 1) -> None:
    """Show a notice on the next page this browser gets (after a redirect)."""
    response.set_cookie(NOTICE_COOKIE, f"{key}:{count}", max_age=300, samesite="lax", path="/")


def render(
    request: Request, name: str, status: int = 200, notice: str | None = None, **context: Any
) -> Response:
    """Render a page with the language's words as ``t``, the signed-in identity and a
    notice (``notice``, else the one kept for this page by :func:`keep_notice`)."""
    lang = language(request)
    identity = getattr(request.state, "identity", None)
    kept = request.cookies.get(NOTICE_COOKIE)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": MESSAGES[lang],
            "lang": lang,
            "signed_in": identity is not None and identity.user_id is not None,
            "notice": notice_text(lang, notice or kept),
            **context,
        },
        status_code=status,
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    if kept is not None:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    add_page_headers(response)
    return response


def error_page(request: Request, *, status: int, code: str, detail: str) -> Response:
    """The HTML twin of a problem+json answer, for the pages (back to the clinic's page)."""
    clinic = request.path_params.get("tenant_id")
    back = f"/c/{clinic}" if isinstance(clinic, str) and CLINIC_SLUG.match(clinic) else "/"
    response = render(request, "error.html", status=status, code=code, detail=detail, back=back)
    assert isinstance(response, HTMLResponse)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response
