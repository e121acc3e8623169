"""vete's own functions, views, triggers and policies as definition files (issue 14).

Each has one current file under ``migrations/definitions/`` (the few that stay in their
migration are listed below, with the reason); the versioned migrations keep their tables
and name the checksums they were applied with, so a database deployed before the move
upgrades with a plain deploy.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.deploy.conftest import query
from vete.deploy import runner
from vete.deploy.source import VETE_SET, Source, vete_source
from vete.migrations import MIGRATIONS_DIR

SRC = MIGRATIONS_DIR.parent  # src/vete
CREATE_RE = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(FUNCTION|VIEW|POLICY|TRIGGER)\s+([\w.]+)",
    re.IGNORECASE | re.MULTILINE,
)


def creates() -> dict[tuple[str, str], list[str]]:
    """What ``git grep -nE "CREATE (OR REPLACE )?FUNCTION" -- src/vete ':!*/revert/*'
    ':!*/verify/*'`` finds (views, policies and triggers too): object → files."""
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.sql")):
        parts = path.relative_to(SRC).parts
        if "revert" in parts or "verify" in parts:
            continue
        for kind, name in CREATE_RE.findall(path.read_text()):
            short = name.lower().rsplit(".", 1)[-1]
            files = found.setdefault((kind.lower(), short), [])
            if str(path.relative_to(SRC)) not in files:  # one file may hold forms of it
                files.append(str(path.relative_to(SRC)))
    return found


def test_each_object_in_a_definition_file_is_created_nowhere_else() -> None:
    defined = {k: f for k, f in creates().items() if any("/definitions/" in p for p in f)}
    assert defined, "no definitions found"
    twice = {f"{kind} {name}": files for (kind, name), files in defined.items() if len(files) > 1}
    assert twice == {}


#: Objects that stay in the one versioned migration that creates them, each for a reason.
#: Every other function, view, trigger and policy has one definition file.
STAY_IN_THEIR_MIGRATION = {
    # Supabase's own; on plain PostgreSQL 001 creates a stand-in only when none exists
    # (a definition would replace Supabase's).
    "function uid": "001 stands in for Supabase's auth.uid() where it is missing",
    "function jwt": "001 stands in for Supabase's auth.jwt() where it is missing",
    # Stored rows and indexes were computed with them: changing one is table work.
    "function vet_key": "003's exclusion constraint evaluates it",
    "function blocked_range": "003's generated column evaluates it",
    "function is_active_status": "003's exclusion constraint and index evaluate it",
    "function is_grant_list": "017's CHECK on vete.intended_grants evaluates it",
    # Bound to the table 017 creates (a row-type variable, a SQL body reading it), and
    # 017 and 018 call them while they run.
    "function intended_object_oid": "017's grants machinery, reading vete.intended_grants",
    "function apply_intended_grants": "017's grants machinery, run by 017 and 018",
    "function grant_drift": "017's grants machinery, run by the deployer after each change",
    # History: created by one migration and dropped by a later one, not current objects.
    "policy profiles_vets_visible": "created by 001, dropped by 017 (clinic_vets replaced it)",
    "policy store_inventory_public_read": "created by 010, dropped by 015",
}


def test_every_function_view_trigger_and_policy_has_exactly_one_definition_file() -> None:
    outside = {
        f"{kind} {name}": files
        for (kind, name), files in creates().items()
        if any(f.startswith("migrations/") for f in files)
        and (len(files) != 1 or "/definitions/" not in files[0])
    }
    stay = {k: v for k, v in outside.items() if k in STAY_IN_THEIR_MIGRATION}
    assert {k: v for k, v in outside.items() if k not in STAY_IN_THEIR_MIGRATION} == {}
    # each exception is created exactly once, in one versioned migration
    assert sorted(stay) == sorted(STAY_IN_THEIR_MIGRATION)
    assert all(len(files) == 1 and "/definitions/" not in files[0] for files in stay.values())


def _deploy(url: str, source: Source) -> runner.DeployReport:
    options = runner.DeployOptions(backup=False)
    return runner.deploy(url, source, options, lambda *_: None)


@pytest.fixture
def vete_url(database_factory: Callable[..., str]) -> str:
    return database_factory()


def test_a_database_deployed_before_definitions_upgrades_with_a_plain_deploy(
    vete_url: str,
) -> None:
    """As a database deployed before the move has it: history rows with the checksums the
    rewritten files declare valid, the functions live, no definitions recorded."""
    mset = vete_source().load()
    functions = (
        "SELECT p.oid::regprocedure::text AS f, pg_get_functiondef(p.oid) AS d FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('public', 'vete') ORDER BY 1"
    )
    before = query(vete_url, functions)
    query(vete_url, "DELETE FROM vete.schema_definitions")
    for m in mset.migrations:
        for old in m.valid_checksums:
            query(
                vete_url,
                "UPDATE vete.schema_migrations SET checksum = %s"
                " WHERE migration_set = %s AND version = %s",
                old,
                VETE_SET,
                m.version,
            )
    report = _deploy(vete_url, vete_source())
    assert report.applied == []
    assert [d["definition"] for d in report.definitions] == [d.key for d in mset.definitions]
    assert all(d["replaced"] == d["defines"] for d in report.definitions)
    assert query(vete_url, functions) == before
    assert query(vete_url, "SELECT count(*) AS n FROM vete.grant_drift()") == [{"n": 0}]
    again = _deploy(vete_url, vete_source())
    assert again.applied == []
    assert again.definitions == []


def test_changing_a_function_body_is_a_diff_of_one_file(vete_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    target = folder / "definitions" / "booking" / "text_too_long.sql"
    text = target.read_text()
    assert "2000" in text
    target.write_text(text.replace("2000", "4000"))
    report = _deploy(vete_url, Source(folder, VETE_SET))
    assert report.applied == []
    assert [d["definition"] for d in report.definitions] == ["booking/text_too_long"]
    answer = query(vete_url, "SELECT vete.text_too_long('p_notes', repeat('x', 3000)) AS a")
    assert answer == [{"a": None}]


def test_adopts_own_objects_are_each_created_in_one_adopt_file() -> None:
    """Adopt's own functions and triggers (its backfill, the no-overlap guard of adopted
    appointments, the original's derived price) exist only on adopted databases and are
    bound to the tables adopt changes, so they live in the adopt file that needs them
    (deploy/adopt_migrations/): each in exactly one file, none also defined by vete."""
    adopts = {
        f"{kind} {name}": files
        for (kind, name), files in creates().items()
        if any(f.startswith("deploy/adopt_migrations/") for f in files)
    }
    assert adopts, "adopt creates nothing?"
    assert {k: v for k, v in adopts.items() if len(v) != 1} == {}
