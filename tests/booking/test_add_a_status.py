"""Adding an appointment status through the documented path (docs/architecture.md, "Where
each kind of change goes"): in the database, one versioned migration; the definitions read
the statuses from the tables, so none of their files changes. The test adds 'waitlisted'
to a copy of vete's migrations, deploys it, counts the files it touched and uses the
status."""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import dict_row

from tests.booking.world import as_user, book_consult, make_clinic, rpc
from tests.clock import days_ahead
from vete.deploy import maintain, runner
from vete.deploy.source import VETE_SET, Source
from vete.migrations import MIGRATIONS_DIR

ASU = ZoneInfo("America/Asuncion")

#: The documented path: the status CHECK of appointments (added NOT VALID: no scan under
#: the lock, the existing rows hold), and who may take it from and to where. 'waitlisted'
#: holds the vet's time like 'scheduled', so vete.is_active_status stays as it is.
WAITLISTED = """-- {version:03d}: 'waitlisted', a booking the clinic has not taken yet.
-- vete:expect-notice vete {version:03d} waitlisted ready
SET LOCAL lock_timeout = '5s';
ALTER TABLE public.appointments DROP CONSTRAINT appointments_status_check;
ALTER TABLE public.appointments ADD CONSTRAINT appointments_status_check CHECK (status IN (
    'scheduled', 'waitlisted', 'confirmed', 'checked_in', 'in_progress', 'completed',
    'cancelled', 'no_show'
)) NOT VALID;
INSERT INTO vete.appointment_status_transitions (from_status, to_status, allowed_to, stamp_column)
VALUES ('scheduled', 'waitlisted', 'staff', NULL),
       ('waitlisted', 'confirmed', 'staff', 'confirmed_at'),
       ('waitlisted', 'cancelled', 'owner_or_staff', 'cancelled_at');
DO $$ BEGIN RAISE NOTICE 'vete {version:03d} waitlisted ready'; END $$;
"""


def touched(original: Path, copy: Path) -> list[str]:
    """Files added to or changed in ``copy`` (relative paths), as ``git status`` would list."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(original, copy, ignore=["__pycache__", "__init__.py"]), "")
    return sorted(found)


def test_adding_a_status_is_one_new_migration(
    database_factory: Callable[..., str], tmp_path: Path
) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    source = Source(folder, VETE_SET)
    version = max(m.version for m in source.load().migrations) + 1
    (folder / f"{version:03d}_waitlisted.sql").write_text(WAITLISTED.format(version=version))

    assert touched(MIGRATIONS_DIR, folder) == [f"{version:03d}_waitlisted.sql"]

    url = database_factory()
    report = runner.deploy(url, source, runner.DeployOptions(backup=False), lambda *_: None)
    assert [m["version"] for m in report.applied] == [version]
    assert report.definitions == []  # no definition changed
    with runner.deploy_connection(url) as conn:
        assert maintain.verify(conn, source, record=False).failures == []  # verify/007 too

    with psycopg.connect(url, row_factory=dict_row) as conn:
        clinic = make_clinic(conn, "waitclinic")
        day = days_ahead(ASU, 20)
        booked = book_consult(conn, clinic, datetime(day.year, day.month, day.day, 9, tzinfo=ASU))
        admin = clinic.admins[0] if clinic.admins else clinic.vet

        def set_status(status: str) -> Any:
            return as_user(
                conn,
                admin,
                lambda: rpc(
                    conn,
                    "set_appointment_status",
                    p_appointment_id=booked.appointment_id,
                    p_status=status,
                ),
            )

        assert set_status("waitlisted")["success"]
        assert set_status("checked_in")["error"] == "INVALID_TRANSITION"
        confirmed = set_status("confirmed")
        assert confirmed["success"], confirmed
        status = conn.execute(
            "SELECT status, confirmed_at IS NOT NULL AS stamped FROM appointments WHERE id = %s",
            [booked.appointment_id],
        ).fetchone()
        assert status == {"status": "confirmed", "stamped": True}
