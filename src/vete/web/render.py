"""Templates, the page context (language, signed-in user, a notice, the clinic's money and
date formats), and the headers every page carries."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from vete.api.deps import TENANT_PATTERN
from vete.api.problems import RETRY_AFTER_S
from vete.messages import CATALOG, Lang, error_text, pick_language, say, words
from vete.web import formats
from vete.web.guard import add_page_headers

HERE = Path(__file__).parent
LANG_COOKIE = "vete_lang"
#: Notices for the next page shown (after a redirect): a JSON list of ``[KEY, {values}]``,
#: KEY a ``notice.`` entry of :data:`vete.messages.CATALOG`; shown once, then deleted.
NOTICE_COOKIE = "vete_notice"
#: Notices kept at most (a cookie holds about 4 KB; a browser drops a larger one whole).
MAX_NOTICES = 10
CLINIC_SLUG = re.compile(TENANT_PATTERN)

templates = Jinja2Templates(directory=HERE / "templates")


def language(request: Request) -> Lang:
    return pick_language(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


Notice = tuple[str, dict[str, Any]]


def notice_texts(lang: Lang, notices: list[Notice]) -> list[str]:
    """The words of each notice ``(key, values)``; one that does not fit its entry (a
    cookie the browser changed) is left out."""
    texts = []
    for key, values in notices:
        entry = f"notice.{key}"
        if entry not in CATALOG or not isinstance(values, dict):
            continue
        try:
            texts.append(say(entry, lang, **values))
        except (KeyError, IndexError, ValueError):
            continue
    return texts


def kept_notices(request: Request) -> list[Notice]:
    """The notices :func:`keep_notice` kept for this page (nothing for a cookie not vete's)."""
    try:
        data = json.loads(request.cookies.get(NOTICE_COOKIE) or "[]")
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    return [
        (item[0], item[1])
        for item in data[:MAX_NOTICES]
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
    ]


def keep_notice(response: Response, *notices: Notice) -> None:
    """Show ``notices`` (``(key, values)``, the first :data:`MAX_NOTICES`) on the next page
    this browser gets."""
    if notices:
        value = json.dumps([[key, values] for key, values in notices[:MAX_NOTICES]])
        response.set_cookie(NOTICE_COOKIE, value, max_age=300, samesite="lax", path="/")


def here(request: Request, **extra: str) -> str:
    """This page's path and query, less ``lang`` (where signing in comes back to), plus
    ``extra`` parameters."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query = urlencode([*params, *extra.items()])
    return request.url.path + (f"?{query}" if query else "")


def other_language_url(request: Request, lang: Lang, clinic: Any) -> str:
    """This page in the other language; after a form (a page no GET can show again), the
    clinic's page, or the home page."""
    other = "en" if lang == "es" else "es"
    if request.method in ("GET", "HEAD"):
        return here(request, lang=other)
    return (f"/c/{clinic.id}" if clinic is not None else "/") + f"?lang={other}"


def render(
    request: Request,
    name: str,
    status: int = 200,
    notices: list[Notice] | None = None,
    **context: Any,
) -> Response:
    """Render a page with the language's words as ``t``, the signed-in identity, the
    clinic's formats as ``fmt`` (when the page has a clinic) and its notices (``notices``
    and those kept for this page by :func:`keep_notice`)."""
    lang = language(request)
    identity = getattr(request.state, "identity", None)
    kept = request.cookies.get(NOTICE_COOKIE)
    clinic = context.get("clinic")
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": words(lang),
            "lang": lang,
            "signed_in": identity is not None and identity.user_id is not None,
            "notices": notice_texts(lang, [*kept_notices(request), *(notices or [])]),
            "fmt": formats.for_clinic(clinic.timezone, lang) if clinic is not None else None,
            "here": here(request),
            "other_language_url": other_language_url(request, lang, clinic),
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


def error_page(request: Request, *, status: int, code: str) -> Response:
    """The HTML twin of a problem+json answer, for the pages (back to the clinic's page):
    the code's sentence in the page's language. The code itself is only an attribute, for
    programs and tests; the error's own message (English, or the SQL's) is not shown."""
    clinic = request.path_params.get("tenant_id")
    back = f"/c/{clinic}" if isinstance(clinic, str) and CLINIC_SLUG.match(clinic) else "/"
    text = error_text(code, language(request))
    response = render(request, "error.html", status=status, code=code, text=text, back=back)
    assert isinstance(response, HTMLResponse)
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response
