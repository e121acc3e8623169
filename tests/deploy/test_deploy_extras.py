"""Supabase's history table, rehearsal on a copy, non-local targets, the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_runner import run_vete
from tests.deploy.conftest import Write, deploy, query
from vete.db import Target
from vete.deploy import runner
from vete.errors import DeployError


def vete(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_vete(*args, url=url, timeout=180)


def test_supabase_history_is_kept_true(fresh_url: str, migrations: Write) -> None:
    query(
        fresh_url,
        "CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations"
        " (version text PRIMARY KEY, statements text[], name text)",
    )
    folder = migrations(
        "088_atomic_booking.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);"
    )
    deploy(fresh_url, folder)
    rows = query(
        fresh_url, "SELECT version, name, statements FROM supabase_migrations.schema_migrations"
    )
    assert rows == [
        {
            "version": "088",
            "name": "atomic_booking",
            "statements": ["CREATE TABLE a (id int)", "CREATE TABLE b (id int)"],
        }
    ]


def test_rehearsal_stops_a_migration_that_fails_on_real_data(
    fresh_url: str, migrations: Write, tmp_path: Path
) -> None:
    folder = migrations("001_pets.sql", "CREATE TABLE pets (chip text);")
    deploy(fresh_url, folder)
    query(fresh_url, "INSERT INTO pets VALUES ('A1'), ('A1') RETURNING chip")
    migrations("002_unique.sql", "CREATE UNIQUE INDEX pets_chip ON pets (chip);")
    with pytest.raises(DeployError, match="rehearsal on a restored copy failed, target untouched"):
        deploy(
            fresh_url, folder, backup=True, backup_check="list", backup_dir=tmp_path, rehearse=True
        )
    assert query(fresh_url, "SELECT to_regclass('pets_chip') AS i") == [{"i": None}]
    events = query(fresh_url, "SELECT kind FROM vete.deploy_events ORDER BY id")
    assert [e["kind"] for e in events] == ["deploy", "backup"]


def test_non_local_target_needs_confirmation() -> None:
    remote = Target(
        host="db.example.supabase.co",
        port=5432,
        database="postgres",
        user="postgres",
        server_version="15.8",
        server_version_num=150008,
        system_identifier="1",
        is_local=False,
    )
    assert runner._confirmed(remote, runner.DeployOptions()) is False
    assert runner._confirmed(remote, runner.DeployOptions(yes=True)) is True
    asked: list[str] = []

    def typed(target: Target) -> bool:
        asked.append(target.database)
        return True

    assert runner._confirmed(remote, runner.DeployOptions(confirm=typed)) is True
    assert asked == ["postgres"]


def test_cli_reports_and_exit_codes(fresh_url: str, migrations: Write, tmp_path: Path) -> None:
    folder = migrations(
        "001_a.sql",
        "CREATE TABLE a (id int);",
        verify="SELECT 1/count(*) FROM pg_class WHERE relname = 'a';",
    )
    plan = vete(fresh_url, "db", "plan", "--dir", str(folder), "--json")
    assert plan.returncode == 0, plan.stderr
    assert [p["file"] for p in json.loads(plan.stdout)["pending"]] == ["001_a.sql"]
    done = vete(
        fresh_url, "db", "deploy", "--dir", str(folder), "--json", "--backup-dir", str(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["backup"]["sha256"]
    assert report["applied"][0]["file"] == "001_a.sql"
    status = vete(fresh_url, "db", "status", "--dir", str(folder), "--json")
    assert [m["state"] for m in json.loads(status.stdout)["migrations"]] == ["applied"]
    verify = vete(fresh_url, "db", "verify", "--dir", str(folder), "--json")
    assert verify.returncode == 0
    assert json.loads(verify.stdout)["ok"] is True
    (folder / "001_a.sql").write_text("CREATE TABLE a (id bigint);")
    changed = vete(fresh_url, "db", "status", "--dir", str(folder))
    assert changed.returncode == 12
    assert "001_a.sql" in changed.stderr
    history = vete(fresh_url, "db", "history", "--json")
    kinds = [e["kind"] for e in json.loads(history.stdout)]
    assert kinds[:3] == ["verify", "deploy", "backup"]
    query(fresh_url, "DROP TABLE a")
    (folder / "001_a.sql").write_text("CREATE TABLE a (id int);")
    broken = vete(fresh_url, "db", "verify", "--dir", str(folder))
    assert broken.returncode == 13
    assert "001_a.sql: verify script failed: division by zero" in broken.stderr
