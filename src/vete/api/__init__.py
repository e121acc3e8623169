"""vete's HTTP API: FastAPI app, JWT auth, one transaction per request, problem+json errors."""

from vete.api.app import create_app
from vete.api.auth import Identity, Verifier, mint_token

__all__ = ["Identity", "Verifier", "create_app", "mint_token"]
