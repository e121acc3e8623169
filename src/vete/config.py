"""One settings object, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Per-user data directory (``~/.local/share/vete`` on Linux)."""
    return platformdirs.user_data_path("vete", appauthor=False)


class Settings(BaseSettings):
    """Everything vete reads from the environment; no other module reads it.

    ``DATABASE_URL`` is a libpq URL; when it is unset vete starts (or reuses) its
    embedded PostgreSQL whose files live under ``VETE_DATA_DIR``.
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="VETE_DATA_DIR")
    test_database_url: str | None = Field(default=None, validation_alias="VETE_TEST_DATABASE_URL")
    #: The Citus cluster's coordinator database (scripts/citus-cluster up prints it): tests
    #: against a coordinator read the workers from it, and tests/citus run only when set.
    citus_url: str | None = Field(default=None, validation_alias="VETE_CITUS_URL")
    #: A server to prove backups on by restoring them (a scratch database is created and
    #: dropped there); unset: the embedded server, or a throwaway cluster of the target's
    #: own PostgreSQL version when the backup needs extensions the embedded one lacks.
    restore_url: str | None = Field(default=None, validation_alias="VETE_RESTORE_URL")
    connect_timeout_s: int = Field(default=10, validation_alias="VETE_CONNECT_TIMEOUT")
    #: The HS256 secret tokens are signed with; unset: the one kept in the data directory.
    jwt_secret: str | None = Field(default=None, validation_alias="VETE_JWT_SECRET")
    #: Public keys (RS256/ES256) tokens may also be signed with: a JWKS file or URL.
    jwks_file: Path | None = Field(default=None, validation_alias="VETE_JWKS_FILE")
    jwks_url: str | None = Field(default=None, validation_alias="VETE_JWKS_URL")
    #: Offer the demo sign-in (demo users, no password): ``vete serve --demo``.
    demo_login: bool = Field(default=False, validation_alias="VETE_DEMO_LOGIN")
    #: The bearer token /metrics answers; unset: /metrics is not served (404).
    metrics_token: str | None = Field(default=None, validation_alias="VETE_METRICS_TOKEN")
    #: Database connections per server worker process.
    pool_size: int = Field(default=10, validation_alias="VETE_POOL_SIZE")

    def environment(self) -> dict[str, str]:
        """The environment a child process is given to read these same settings: the
        current one, with every setting that has a value written out by its variable."""
        import os

        env = dict(os.environ)
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            alias = field.validation_alias
            if value is not None and isinstance(alias, str):
                env[alias] = str(value).lower() if isinstance(value, bool) else str(value)
        return env


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()
