"""vete's own SQL migrations, shipped as package data (with revert/ and verify/)."""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent


def apply_for_tests(url: str) -> None:
    """Bring a fresh database to vete's current schema through the real deployer.

    Test templates are built this way so that every test run also proves the migrations
    deploy: each in its own transaction, NOTICEs checked, verify scripts run and every
    PL/pgSQL function probed; then the definitions tree, as deploy does. Backup, lint and
    the lock are left out (a fresh database).
    """
    from vete.deploy.apply import Timeouts
    from vete.deploy.runner import (
        apply_all,
        apply_definitions,
        deploy_connection,
        ensure_history,
        pending_of,
    )
    from vete.deploy.source import vete_source
    from vete.deploy.state import applied_rows, compare

    source = vete_source()
    mset = source.load()
    with deploy_connection(url) as conn:
        ensure_history(conn)
        pending = pending_of(mset, compare(mset, applied_rows(conn, source.set_name)))
        apply_all(
            conn,
            pending,
            source=source,
            timeouts=Timeouts(),
            backup=None,
            progress=lambda *_: None,
        )
        apply_definitions(conn, mset, source=source, timeouts=Timeouts(), progress=lambda *_: None)
