"""An adopted original on Supabase's default privileges, then vete's later migrations:
vete's tables end with exactly vete's grants, the original's own tables keep theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.adopt.conftest import load_original, rows, run_adopt
from vete.deploy import runner
from vete.deploy.source import vete_source
from vete.session import act_as

ACLS = """
SELECT c.relname AS name, c.relacl::text AS acl,
       (SELECT string_agg(a.attname || '=' || a.attacl::text, ' ' ORDER BY a.attnum)
        FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL) AS columns
FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY(%s)
UNION ALL
SELECT p.oid::regprocedure::text, p.proacl::text, NULL
FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname = ANY(%s)
ORDER BY 1
"""
THE_ORIGINALS_OWN = (
    ["staff_schedules", "staff_time_off"],
    ["is_staff_of_tenant", "is_owner_of_pet"],
)


@pytest.fixture(scope="module")
def deployed(database_factory: Callable[..., str]) -> tuple[str, list[dict[str, Any]]]:
    """(url, the original's own objects' ACLs before vete touched the database)."""
    url = load_original(database_factory(empty=True))
    before = rows(url, ACLS, *THE_ORIGINALS_OWN)
    run_adopt(url, resolve=True)
    options = runner.DeployOptions(backup=False)
    runner.deploy(url, vete_source(), options, lambda *_: None)
    return url, before


def test_vetes_grants_are_exact_on_the_adopted_tables(
    deployed: tuple[str, list[dict[str, Any]]],
) -> None:
    url, _ = deployed
    assert rows(url, "SELECT * FROM vete.grant_drift()") == []
    privileges = rows(
        url,
        "SELECT has_table_privilege('anon', 'public.appointments', 'TRUNCATE') AS truncate,"
        " has_table_privilege('authenticated', 'public.appointments', 'INSERT') AS insert,"
        " has_column_privilege('anon', 'public.tenants', 'logo_url', 'SELECT') AS logo,"
        " has_column_privilege('anon', 'public.profiles', 'email', 'SELECT') AS email",
    )
    assert privileges == [{"truncate": False, "insert": False, "logo": False, "email": False}]


def test_the_originals_own_tables_and_functions_keep_their_grants(
    deployed: tuple[str, list[dict[str, Any]]],
) -> None:
    url, before = deployed
    assert len(before) == 4
    assert rows(url, ACLS, *THE_ORIGINALS_OWN) == before


def test_no_vets_contact_details_for_anon_or_an_owner_on_the_adopted_database(
    deployed: tuple[str, list[dict[str, Any]]],
) -> None:
    url, _ = deployed
    owner = rows(url, "SELECT id FROM public.profiles WHERE role = 'owner' LIMIT 1")[0]["id"]
    vets = rows(url, "SELECT count(*) AS n FROM public.clinic_vets")[0]["n"]
    assert vets > 0
    with psycopg.connect(url) as conn:
        with conn.transaction(force_rollback=True):
            act_as(conn, user_id=None, role="anon")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT email FROM public.profiles")
        with conn.transaction(force_rollback=True):
            act_as(conn, user_id=owner, role="authenticated")
            seen = conn.execute(
                "SELECT count(*) FROM public.profiles WHERE role = 'vet' AND email IS NOT NULL"
            ).fetchone()
            names = conn.execute("SELECT count(*) FROM public.clinic_vets").fetchone()
    assert seen == (0,)
    assert names == (vets,)
