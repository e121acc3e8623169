"""Backups restore to identical schema and contents; revert brings definitions back exactly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from psycopg import sql

from tests.deploy.conftest import Write, deploy, query, schema_fingerprint
from vete.db import connect
from vete.deploy import backup as backups
from vete.deploy import maintain
from vete.deploy.apply import Timeouts
from vete.deploy.source import Source
from vete.errors import BackupFailed, DeployError


def table_checksums(url: str) -> dict[str, str]:
    """md5 of every row of every table in public and vete, in a stable order."""
    tables = query(
        url,
        "SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables"
        " WHERE schemaname IN ('public', 'vete') ORDER BY 1",
    )
    sums = {}
    for row in tables:
        name = row["t"]
        sums[name] = query(
            url,
            sql.SQL(
                "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM {} x"
            ).format(sql.SQL(name)),  # already quoted by format('%I.%I')
        )[0]["h"]
    return sums


def test_backup_then_restore_gives_identical_schema_and_contents(
    database_factory: Callable[..., str], tmp_path: Path
) -> None:
    source_url = database_factory()
    query(
        source_url,
        "INSERT INTO tenants (id, name, timezone) VALUES ('bk', 'Backup', 'Europe/Madrid')",
    )
    query(
        source_url,
        "INSERT INTO services (tenant_id, name, duration_minutes) SELECT 'bk', 'S' || g, 15 + g"
        " FROM generate_series(1, 50) g RETURNING id",
    )
    taken = backups.take_backup(source_url, directory=tmp_path, check="restore")
    assert taken.size_bytes == Path(taken.path).stat().st_size > 0
    assert len(taken.sha256) == 64
    assert taken.check_duration_s is not None
    target_url = database_factory(empty=True)
    result = subprocess.run(
        [sys.executable, "-m", "vete", "db", "restore", taken.path, "--yes"],
        env={**os.environ, "DATABASE_URL": target_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert schema_fingerprint(target_url) == schema_fingerprint(source_url)
    source_sums = table_checksums(source_url)
    restored_sums = table_checksums(target_url)
    restored_sums.pop("vete.deploy_events")  # the restore itself is logged there
    source_sums.pop("vete.deploy_events")
    assert restored_sums == source_sums
    assert "public.services" in restored_sums


def test_corrupt_backup_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.dump"
    bad.write_bytes(b"PGDMP not really")
    with pytest.raises(BackupFailed, match="pg_restore --list bad.dump failed"):
        backups.prove_backup(bad, check="list")


FUNCTION_V1 = """
CREATE FUNCTION public.quote(p_item text) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
    RETURN 10;  -- the price in version 1
END $$;
COMMENT ON FUNCTION public.quote(text) IS 'v1';
"""

FUNCTION_V2 = """
CREATE OR REPLACE FUNCTION public.quote(p_item text) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
    RETURN 12;
END $$;
"""


def functiondefs(url: str) -> dict[str, str]:
    rows = query(
        url,
        "SELECT p.oid::regprocedure::text AS sig, pg_get_functiondef(p.oid) AS def FROM pg_proc p"
        " WHERE p.pronamespace = 'public'::regnamespace",
    )
    return {r["sig"]: r["def"] for r in rows}


def test_revert_restores_replaced_function_definitions_exactly(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_quote.sql", FUNCTION_V1, revert="DROP FUNCTION public.quote(text);")
    deploy(fresh_url, folder)
    before = functiondefs(fresh_url)
    migrations("002_quote_v2.sql", FUNCTION_V2)
    deploy(fresh_url, folder)
    assert functiondefs(fresh_url) != before
    done = revert(fresh_url, folder, to_version=None)
    assert [d["how"] for d in done] == ["recorded definitions"]
    assert functiondefs(fresh_url) == before
    assert query(fresh_url, "SELECT version FROM vete.schema_migrations") == [{"version": 1}]


def test_revert_of_a_signature_change_brings_the_old_overload_back(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_quote.sql", FUNCTION_V1, revert="DROP FUNCTION public.quote(text);")
    deploy(fresh_url, folder)
    before = functiondefs(fresh_url)
    migrations(
        "002_quote_currency.sql",
        """
        DROP FUNCTION public.quote(text);
        CREATE FUNCTION public.quote(p_item text, p_currency text DEFAULT 'PYG') RETURNS numeric
        LANGUAGE plpgsql AS $$ BEGIN RETURN 12; END $$;
        """,
    )
    deploy(fresh_url, folder)
    assert list(functiondefs(fresh_url)) == ["quote(text,text)"]
    with pytest.raises(DeployError, match="pass --drop-new"):
        revert(fresh_url, folder, to_version=None)
    revert(fresh_url, folder, to_version=None, drop_new=True)
    assert functiondefs(fresh_url) == before


def test_revert_to_zero_runs_revert_scripts_newest_first(fresh_url: str, migrations: Write) -> None:
    folder = migrations("001_a.sql", "CREATE TABLE a (id int);", revert="DROP TABLE a;")
    migrations("002_b.sql", "CREATE TABLE b (a_id int);", revert="DROP TABLE b;")
    deploy(fresh_url, folder)
    done = revert(fresh_url, folder, to_version=0)
    assert [d["version"] for d in done] == [2, 1]
    assert query(fresh_url, "SELECT to_regclass('a') AS a, to_regclass('b') AS b") == [
        {"a": None, "b": None}
    ]
    kinds = query(fresh_url, "SELECT kind FROM vete.deploy_events ORDER BY id")
    assert [k["kind"] for k in kinds] == ["deploy", "deploy", "revert", "revert"]


def test_revert_refuses_a_table_migration_without_a_revert_script(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_a.sql", "CREATE TABLE a (id int);")
    deploy(fresh_url, folder)
    with pytest.raises(DeployError, match="no revert script and created a"):
        revert(fresh_url, folder, to_version=None)
    assert query(fresh_url, "SELECT to_regclass('a')::text AS a") == [{"a": "a"}]


def revert(url: str, folder: Path, **options: Any) -> list[dict[str, Any]]:
    with connect(url, autocommit=True) as conn:
        return maintain.revert(conn, Source(folder, "t"), timeouts=Timeouts(), **options)
