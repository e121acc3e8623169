"""The booking SQL (queries.sql), loaded once by name with aiosql."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiosql

queries: Any = aiosql.from_path(Path(__file__).with_name("queries.sql"), "psycopg")
