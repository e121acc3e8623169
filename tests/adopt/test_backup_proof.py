"""The default backup proof on the original: a real restore, on a server that can load the
extensions the original's database uses (pg_trgm, unaccent, uuid-ossp, pgcrypto).

Which server proves what: the fixture creates the four extensions where the test server
has them. On the machine's PostgreSQL 15 it does, and the embedded PostgreSQL 18 has none
of contrib, so there the proof must run on a throwaway PostgreSQL 15 cluster; on the
embedded server the fixture has no extension and the embedded server proves the backup.
Where no server can load an extension, the refusal says what was and was not proven.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adopt.conftest import rows, run_adopt
from vete.deploy.restore_target import installed_binaries, scratch_database
from vete.errors import BackupFailed

CONTRIB = {"pg_trgm", "unaccent", "uuid-ossp", "pgcrypto"}


def test_default_adopt_proves_its_backup_by_a_restore(original_url: str, tmp_path: Path) -> None:
    used = {r["extname"] for r in rows(original_url, "SELECT extname FROM pg_extension")}
    major = rows(original_url, "SHOW server_version_num")[0]["server_version_num"]
    major = int(major) // 10000
    report = run_adopt(original_url, resolve=True, backup=True, backup_dir=tmp_path)
    assert report.backup is not None
    assert report.backup["check"] == "restore"
    assert set(report.backup["extensions"]) == used & CONTRIB
    if used & CONTRIB:  # PostgreSQL 15 with contrib: the embedded server cannot restore it
        assert used >= {"pg_trgm", "unaccent"}
        assert report.backup["proven_on"].startswith(f"a throwaway PostgreSQL {major} cluster")
    else:
        assert report.backup["proven_on"] == "the embedded PostgreSQL 18"
    assert report.changed


def test_where_no_server_can_load_an_extension_it_says_what_was_proven() -> None:
    # The embedded server has no contrib and no PostgreSQL 99 is installed: nowhere to restore.
    nowhere = scratch_database(prefix="vete_t_nowhere", needs={"pg_trgm", "plpgsql"}, major=99)
    with pytest.raises(BackupFailed) as caught, nowhere:
        pass
    message = str(caught.value)
    assert "needs extension(s) pg_trgm" in message
    assert "the embedded PostgreSQL 18 cannot load pg_trgm" in message
    assert "no PostgreSQL 99 server binaries are installed" in message
    assert "Proven: the archive was written and reads" in message
    assert "Not proven: that it restores" in message
    assert "VETE_RESTORE_URL" in message


@pytest.mark.skipif(
    installed_binaries(15) is None, reason="needs PostgreSQL 15's binaries for a new cluster"
)
def test_roles_a_proof_makes_are_supabases_with_their_attributes() -> None:
    """A restore server that lacks Supabase's roles gets them as Supabase has them. Roles
    belong to the whole server: made plain, service_role would later see no row a policy
    hides in vete's own databases there (the embedded server's demo sign-in found no one)."""
    with scratch_database(prefix="vete_t_roles", needs={"pg_trgm"}, major=15) as scratch:
        assert scratch.server.startswith("a throwaway PostgreSQL 15 cluster")  # roles made here
        roles = rows(
            scratch.url,
            "SELECT rolname, rolcanlogin, rolinherit, rolbypassrls FROM pg_roles"
            " WHERE rolname IN ('anon', 'authenticated', 'service_role') ORDER BY rolname",
        )
    assert [tuple(r.values()) for r in roles] == [
        ("anon", False, False, False),
        ("authenticated", False, False, False),
        ("service_role", False, False, True),
    ]
