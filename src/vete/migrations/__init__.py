"""vete's own SQL migrations, shipped as package data (``NNN_name.sql``)."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent


def apply_for_tests(url: str) -> None:
    """Bring a fresh database to vete's current schema (used to build test templates).

    Until the deployer lands this applies each file in order in one transaction.
    """
    import psycopg

    files = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    if not files:
        return
    with psycopg.connect(url) as conn:
        for path in files:
            conn.execute(path.read_text(encoding="utf-8"))
