"""vete's HTTP API: FastAPI app, JWT auth, one transaction per request, problem+json errors.

The whole application (the API and the web pages) is :func:`vete.app.create_app`.
"""

from vete.api.app import create_api
from vete.api.auth import Identity, Verifier, mint_token

__all__ = ["Identity", "Verifier", "create_api", "mint_token"]
