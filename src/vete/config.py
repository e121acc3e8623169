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
    """Everything vete reads from the environment.

    ``DATABASE_URL`` is a libpq URL; when it is unset vete starts (or reuses) its
    embedded PostgreSQL whose files live under ``VETE_DATA_DIR``.
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default_factory=default_data_dir, validation_alias="VETE_DATA_DIR")
    test_database_url: str | None = Field(default=None, validation_alias="VETE_TEST_DATABASE_URL")
    connect_timeout_s: int = Field(default=10, validation_alias="VETE_CONNECT_TIMEOUT")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; call ``get_settings.cache_clear()`` in tests)."""
    return Settings()
