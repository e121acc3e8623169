"""The whole application: the JSON API (:mod:`vete.api`) with the web pages (:mod:`vete.web`).

The API does not know the pages; this module puts them together, and builds the app from
:class:`vete.config.Settings` for ``vete serve`` and for ``uvicorn --factory``::

    uvicorn --factory vete.app:app_from_settings
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from vete import db
from vete.api.app import create_api
from vete.config import Settings


def create_app(database_url: str, **kwargs: Any) -> FastAPI:
    """The API and the pages on ``database_url`` (keywords as :func:`vete.api.create_api`)."""
    from vete.web import pages

    app = create_api(database_url, **kwargs)
    pages.mount(app)
    return app


def app_from_settings(settings: Settings | None = None, **kwargs: Any) -> FastAPI:
    """The app as ``settings`` configure it (read from the environment when not given).

    ``demo_login`` (``VETE_DEMO_LOGIN``) offers the demo sign-in, ``metrics_token``
    (``VETE_METRICS_TOKEN``) serves /metrics to that bearer, ``pool_size``
    (``VETE_POOL_SIZE``) sizes the pool; keywords override them.
    """
    from vete.api.auth import shared_secret, verifier_from_settings

    settings = settings or Settings()
    kwargs.setdefault("demo_login", settings.demo_login)
    kwargs.setdefault("metrics_token", settings.metrics_token or None)
    kwargs.setdefault("pool_size", settings.pool_size)
    if kwargs.get("secret") is None:
        kwargs["secret"] = shared_secret(settings=settings)
    if kwargs.get("verifier") is None:
        kwargs["verifier"] = verifier_from_settings(settings)
    return create_app(db.resolve_database_url(settings), **kwargs)
