"""What protects the pages in the browser: cross-site form posts are refused, and every
page says it may not be framed and may load only this site's own stylesheet.

Cross-site posts are refused from the request's Fetch Metadata (``Sec-Fetch-Site``), with
``Origin`` against ``Host`` for browsers that send no Fetch Metadata, as Go's standard
library does it (``net/http.CrossOriginProtection``) and OWASP's CSRF sheet recommends.
Written here rather than taken from a CSRF-token library: the one that fits an ASGI app
(asgi-csrf) needs a token rendered into every form and a cookie for it, reads and buffers
the whole body itself before the app's form limits apply, and fails with an error (a 500
here) on a form body that is not UTF-8; the check below reads two headers. A request
with neither header is not from a browser that could be made to send it (every current
browser sends ``Sec-Fetch-Site``; older ones send ``Origin`` on a cross-site POST), so
it is let through, as the session cookie is also SameSite=Lax.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request, Response

from vete.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Sec-Fetch-Site values of a request this site's own pages made (or the user typed).
SAME_SITE_VALUES = frozenset({"same-origin", "none"})

#: The pages use no script, no inline style and no image but this site's: nothing else
#: may load, forms post only here, and no other site may frame them.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def is_cross_site(request: Request) -> bool:
    """True when a browser sent this request from another site's page."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site not in SAME_SITE_VALUES
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


async def refuse_cross_site(request: Request) -> None:
    """A page route's dependency: a state-changing request from another site is a 403."""
    if request.method not in SAFE_METHODS and is_cross_site(request):
        raise Forbidden(
            "this form was sent from another site; open the page here and send it again",
            code="CROSS_SITE_REQUEST",
        )


def add_page_headers(response: Response) -> None:
    """The content security policy and anti-framing headers every page carries."""
    response.headers.update(PAGE_HEADERS)
