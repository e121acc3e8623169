"""On a distributed database: what callers read as the API roles, and deploys after
``vete db distribute``.

Row-level security runs on the worker holding a clinic's shard, as the caller's role, with
the claims vete's session sends on (``vete.forward_claims_to_workers``). Each read below
is checked against what the same read answers on one node: an owner sees their own
profile and pets and no other clinic member's contact details; staff see their clinic;
anon and owners see vets by name; anon sees the stock of products on sale only. Then a
migration deployed after distribution that creates a clinic table leaves it distributed
and colocated, and one whose table the layout does not place is refused with nothing left
behind.

Runs only against a cluster named by ``VETE_CITUS_URL`` (as tests/citus/test_cluster.py).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests.booking.world import Clinic, make_clinic
from tests.citus.cluster import needs_cluster, vete_database
from vete import deploy
from vete.errors import DistributeRefused
from vete.session import Role, act_as

pytestmark = needs_cluster

#: The module (vete.deploy re-exports its function under the same name).
layouts = importlib.import_module("vete.deploy.distribute")


@pytest.fixture(scope="module")
def distributed() -> Iterator[str]:
    """A database on every node, vete deployed and distributed."""
    with vete_database("vete_citus_roles") as url:
        deploy.distribute(url)
        yield url


@pytest.fixture(scope="module")
def clinic(distributed: str) -> Clinic:
    with psycopg.connect(distributed, row_factory=dict_row) as conn:
        return make_clinic(conn, f"roles-{uuid.uuid4().hex[:6]}", vets=1, owners=2)


def read_as(url: str, role: Role, user: uuid.UUID | None, query: str, *args: Any) -> list[Any]:
    """``query`` through the coordinator as PostgREST would run it for this caller."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        act_as(conn, user_id=user, role=role)
        return conn.execute(query, args).fetchall()


def test_an_owner_reads_their_own_rows_and_no_one_elses_contact(
    distributed: str, clinic: Clinic
) -> None:
    owner, other = clinic.owners
    profiles = read_as(
        distributed, "authenticated", owner,
        "SELECT id, email FROM public.profiles WHERE tenant_id = %s", clinic.tenant_id,
    )  # fmt: skip
    assert [p["id"] for p in profiles] == [owner]
    pets = read_as(
        distributed, "authenticated", owner,
        "SELECT id FROM public.pets WHERE tenant_id = %s", clinic.tenant_id,
    )  # fmt: skip
    assert {p["id"] for p in pets} == set(clinic.pets[owner])
    assert not {p["id"] for p in pets} & set(clinic.pets[other])


def test_staff_read_their_clinic(distributed: str, clinic: Clinic) -> None:
    profiles = read_as(
        distributed, "authenticated", clinic.vet,
        "SELECT id FROM public.profiles WHERE tenant_id = %s", clinic.tenant_id,
    )  # fmt: skip
    assert {p["id"] for p in profiles} == {*clinic.vets, *clinic.admins, *clinic.owners}


@pytest.mark.parametrize("who", ["anon", "owner"])
def test_vets_by_name_for_anon_and_owners(distributed: str, clinic: Clinic, who: str) -> None:
    """clinic_vets reads with its owner's rights on Citus too (its Citus form)."""
    role: Role = "anon" if who == "anon" else "authenticated"
    user = None if who == "anon" else clinic.owners[0]
    vets = read_as(
        distributed, role, user,
        "SELECT id, full_name FROM public.clinic_vets WHERE tenant_id = %s", clinic.tenant_id,
    )  # fmt: skip
    assert {v["id"] for v in vets} == set(clinic.vets)
    assert all(v["full_name"] for v in vets)


def test_anon_reads_what_is_public_and_not_profiles(distributed: str, clinic: Clinic) -> None:
    hours = read_as(
        distributed, "anon", None,
        "SELECT DISTINCT vet_id FROM public.vet_working_hours WHERE tenant_id = %s",
        clinic.tenant_id,
    )  # fmt: skip
    assert {h["vet_id"] for h in hours} == set(clinic.vets)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        read_as(distributed, "anon", None, "SELECT id FROM public.profiles")


def test_anon_sees_the_stock_of_products_on_sale_only(distributed: str, clinic: Clinic) -> None:
    """store_inventory's policy asks vete.product_on_sale, a nested read on the worker."""
    with psycopg.connect(distributed) as conn:
        for active in (True, False):
            conn.execute(
                "WITH p AS (INSERT INTO public.store_products (tenant_id, sku, name, price,"
                " is_active) VALUES (%s, %s, 'x', 1, %s) RETURNING tenant_id, id)"
                " INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)"
                " SELECT tenant_id, id, 3 FROM p",
                [clinic.tenant_id, f"SKU-{active}", active],
            )
    seen = read_as(
        distributed, "anon", None,
        "SELECT p.is_active FROM public.store_inventory i JOIN public.store_products p"
        " ON p.tenant_id = i.tenant_id AND p.id = i.product_id WHERE i.tenant_id = %s",
        clinic.tenant_id,
    )  # fmt: skip
    assert seen == [{"is_active": True}]


def test_claims_set_without_forwarding_see_nothing_and_leak_nothing(
    distributed: str, clinic: Clinic
) -> None:
    """PostgREST's own set_config() does not reach the workers: the worker sees a login as
    authenticated with no claims. It must see nothing, not count as the platform (before
    vete.session_role read session_user, it saw every profile of the clinic)."""
    with psycopg.connect(distributed) as conn:
        conn.execute(
            "SELECT set_config('request.jwt.claims', %s, true),"
            " set_config('role', 'authenticated', true)",
            [f'{{"role": "authenticated", "sub": "{clinic.owners[0]}"}}'],
        )
        rows = conn.execute(
            "SELECT count(*) FROM public.profiles WHERE tenant_id = %s", [clinic.tenant_id]
        ).fetchone()
    assert rows == (0,)


def test_postgrest_s_pre_request_forwards_the_claims(distributed: str, clinic: Clinic) -> None:
    """What PostgREST sends per request with ``db-pre-request = vete.forward_request_claims``:
    the claims and role set with set_config, the pre-request called as that role, the read."""
    owner = clinic.owners[0]
    with psycopg.connect(distributed) as conn:
        conn.execute(
            "SELECT set_config('request.jwt.claims', %s, true),"
            " set_config('role', 'authenticated', true)",
            [f'{{"role": "authenticated", "sub": "{owner}"}}'],
        )
        conn.execute("SELECT vete.forward_request_claims()")
        rows = conn.execute(
            "SELECT id FROM public.profiles WHERE tenant_id = %s", [clinic.tenant_id]
        ).fetchall()
    assert rows == [(owner,)]


def test_the_api_roles_stay_nologin_on_the_coordinator(distributed: str) -> None:
    with psycopg.connect(distributed) as conn:
        can_login = conn.execute(
            "SELECT bool_or(rolcanlogin) FROM pg_roles"
            " WHERE rolname IN ('anon', 'authenticated', 'service_role')"
        ).fetchone()
    assert can_login == (False,)


NEW_TABLE = """
CREATE TABLE public.clinic_notes (
    tenant_id text NOT NULL REFERENCES public.tenants (id),
    id bigint NOT NULL,
    note text NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO vete.intended_grants (object_type, object_name, anon, authenticated, service_role)
VALUES ('table', 'public.clinic_notes', '{}', '{}', '{SELECT}');
SELECT vete.apply_intended_grants();
"""


def deploy_folder(url: str, folder: Path) -> list[Any]:
    source = deploy.Source(directory=folder, set_name=folder.name)
    with deploy.deploy_connection(url) as conn:
        deploy.ensure_history(conn)
        mset = source.load()
        pending = deploy.pending_of(
            mset, deploy.compare(mset, deploy.applied_rows(conn, source.set_name))
        )
        return deploy.apply_all(
            conn, pending, source=source, timeouts=deploy.Timeouts(), backup=None,
            progress=lambda *_: None,
        )  # fmt: skip


def layout_with(table: str, tmp_path: Path) -> Path:
    text = layouts.LAYOUT_FILE.read_text(encoding="utf-8")
    path = tmp_path / "citus_layout.toml"
    path.write_text(
        text.replace('    "public.profiles",', f'    "public.profiles",\n    "{table}",')
    )
    return path


def test_a_table_created_after_distribution_is_distributed_by_the_deploy(
    distributed: str, clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(layouts, "LAYOUT_FILE", layout_with("public.clinic_notes", tmp_path))
    folder = tmp_path / "notes"
    folder.mkdir()
    first_note = "INSERT INTO public.clinic_notes VALUES (%s, 1, 'first');\n"
    (folder / "001_clinic_notes.sql").write_text(NEW_TABLE + first_note % f"'{clinic.tenant_id}'")
    try:
        [applied] = deploy_folder(distributed, folder)
        assert applied.placed == ("public.clinic_notes: made distributed",)
        with psycopg.connect(distributed) as conn:
            placed = conn.execute(
                "SELECT p.partmethod, column_to_column_name(p.logicalrelid, p.partkey),"
                " p.colocationid = (SELECT colocationid FROM pg_dist_partition"
                "                    WHERE logicalrelid = 'public.tenants'::regclass)"
                " FROM pg_dist_partition p WHERE p.logicalrelid = 'public.clinic_notes'::regclass"
            ).fetchone()
            notes = conn.execute("SELECT note FROM public.clinic_notes").fetchall()
        assert placed == ("h", "tenant_id", True)
        assert notes == [("first",)]
        # Placing a table re-prepares the API roles on the workers: reads still work.
        owner = clinic.owners[0]
        assert read_as(
            distributed, "authenticated", owner,
            "SELECT id FROM public.profiles WHERE tenant_id = %s", clinic.tenant_id,
        ) == [{"id": owner}]  # fmt: skip
    finally:
        with psycopg.connect(distributed, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS public.clinic_notes")
            conn.execute(
                "DELETE FROM vete.intended_grants WHERE object_name = 'public.clinic_notes'"
            )


def test_a_new_table_the_layout_does_not_place_refuses_its_migration(
    distributed: str, tmp_path: Path
) -> None:
    folder = tmp_path / "unplaced"
    folder.mkdir()
    (folder / "001_clinic_notes.sql").write_text(NEW_TABLE)
    with pytest.raises(DistributeRefused, match="public.clinic_notes"):
        deploy_folder(distributed, folder)
    with psycopg.connect(distributed) as conn:
        left = conn.execute(
            "SELECT to_regclass('public.clinic_notes') IS NULL,"
            " NOT EXISTS (SELECT 1 FROM vete.schema_migrations WHERE migration_set = 'unplaced')"
        ).fetchone()
    assert left == (True, True)
