"""``/docs``: Swagger UI served from this server, never from a CDN.

Swagger UI's script and stylesheet come from the ``fastapi-offline`` package (a copy of
``swagger-ui-dist`` 5, which reads the OpenAPI 3.1 that FastAPI writes), served under
``/docs/assets``; the page starts it with vete's own ``docs.js`` instead of an inline
script. So ``/docs`` works with no outside network, under a content security policy that
lets it load only from this site.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Swagger UI's files as the pip package ships them.
SWAGGER_UI = Path(str(files("fastapi_offline") / "static"))
HERE = Path(__file__).parent / "static"

DOCS_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # Swagger UI sets style attributes on the elements it draws (its own code, not
        # markup from the API description).
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/vete/docs.js"></script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets (create ``app`` with ``docs_url=None``)."""
    page = PAGE.format(title=app.title)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            page,
            headers={
                "Content-Security-Policy": DOCS_POLICY,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "same-origin",
            },
        )

    app.mount("/docs/assets", StaticFiles(directory=SWAGGER_UI), name="swagger-ui")
    app.mount("/docs/vete", StaticFiles(directory=HERE), name="docs-start")
