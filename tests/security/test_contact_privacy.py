"""Vets' email and phone are staff data; a clinic's public face is names only.

Asked as PostgREST asks (``SET LOCAL ROLE`` + ``request.jwt.claims``, vete.session.act_as)
and through the API. The clinic's own staff still read their colleagues' contact details.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ANA, CARLOS, JORGE, MARIA, SOFIA
from tests.security.conftest import World
from vete.session import Role, act_as

PABLO = UUID("b0000000-0000-4000-8000-000000000002")  # vet at retiro only
ELENA = UUID("b0000000-0000-4000-8000-000000000001")  # admin at retiro only
OUTSIDERS: tuple[tuple[str, UUID | None, Role], ...] = (
    ("anon", None, "anon"),
    ("owner of the clinic", MARIA, "authenticated"),
    ("another owner of the clinic", JORGE, "authenticated"),
    ("owner at another clinic", SOFIA, "authenticated"),
    ("vet at another clinic", PABLO, "authenticated"),
    ("admin at another clinic", ELENA, "authenticated"),
)
STAFF: tuple[tuple[str, UUID], ...] = (("vet", CARLOS), ("admin", ANA))
VETS_CONTACTS = (
    "SELECT id, email, phone FROM public.profiles"
    " WHERE tenant_id = 'adris' AND role = 'vet' AND deleted_at IS NULL"
)


def _as(world: World, user_id: UUID | None, role: Role, query: str) -> list[tuple[Any, ...]]:
    """Rows of ``query`` as the caller, or raise InsufficientPrivilege."""
    with psycopg.connect(world.url) as conn, conn.transaction(force_rollback=True):
        act_as(conn, user_id=user_id, role=role)
        return conn.execute(query).fetchall()


def _vets_of_adris(world: World) -> int:
    with psycopg.connect(world.url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM profiles WHERE tenant_id = 'adris' AND role = 'vet'"
            " AND deleted_at IS NULL AND email IS NOT NULL AND phone IS NOT NULL"
        ).fetchone()
    assert row is not None
    assert row[0] >= 2
    return int(row[0])


@pytest.mark.parametrize(("who", "user_id", "role"), OUTSIDERS, ids=[o[0] for o in OUTSIDERS])
def test_no_vets_email_or_phone_outside_the_clinics_staff(
    world: World, who: str, user_id: UUID | None, role: Role
) -> None:
    try:
        rows = _as(world, user_id, role, VETS_CONTACTS)
    except psycopg.errors.InsufficientPrivilege:
        rows = []
    assert rows == [], f"{who} read vets' contact details"


@pytest.mark.parametrize(("who", "user_id"), STAFF, ids=[s[0] for s in STAFF])
def test_the_clinics_own_staff_read_their_colleagues_contact_details(
    world: World, who: str, user_id: UUID
) -> None:
    rows = _as(world, user_id, "authenticated", VETS_CONTACTS)
    assert len(rows) == _vets_of_adris(world)
    assert all(email and phone for _, email, phone in rows)


@pytest.mark.parametrize(
    ("who", "user_id", "role"),
    [*OUTSIDERS, ("vet", CARLOS, "authenticated")],
    ids=[*(o[0] for o in OUTSIDERS), "vet"],
)
def test_everyone_reads_the_clinics_vets_by_name_only(
    world: World, who: str, user_id: UUID | None, role: Role
) -> None:
    rows = _as(world, user_id, role, "SELECT * FROM public.clinic_vets WHERE tenant_id = 'adris'")
    assert len(rows) == _vets_of_adris(world)
    assert all(len(r) == 3 for r in rows), "clinic_vets shows tenant_id, id, full_name only"


@pytest.mark.parametrize(("who", "user_id", "role"), OUTSIDERS, ids=[o[0] for o in OUTSIDERS])
def test_the_view_s_function_answers_the_views_names_and_nothing_more(
    world: World, who: str, user_id: UUID | None, role: Role
) -> None:
    """vete.clinic_vets_of, which the view reads through on Citus, is callable by every API
    role (it reads with its owner's rights): it must answer exactly the view's rows of that
    clinic, two columns, and nothing for a clinic that does not exist."""
    rows = _as(world, user_id, role, "SELECT * FROM vete.clinic_vets_of('adris') ORDER BY 1")
    view = _as(world, None, "anon", "SELECT id, full_name FROM public.clinic_vets"
               " WHERE tenant_id = 'adris' ORDER BY 1")  # fmt: skip
    assert rows == view
    assert len(rows) == _vets_of_adris(world)
    assert _as(world, user_id, role, "SELECT * FROM vete.clinic_vets_of('ADRIS')") == []


@pytest.mark.parametrize(
    "user_id", [None, MARIA, SOFIA, CARLOS], ids=["anon", "owner", "other clinic", "vet"]
)
def test_the_vets_endpoint_answers_names_only(
    client: TestClient, headers_for: Any, user_id: UUID | None
) -> None:
    from tests.security.matrix import ACTORS

    actor = next(a for a in ACTORS if a.user_id == user_id)
    response = client.get("/api/clinics/adris/vets", headers=headers_for(actor))
    assert response.status_code == 200
    vets = response.json()
    assert len(vets) >= 2
    assert all(set(v) == {"id", "full_name"} for v in vets)


def test_an_owner_still_sees_the_vets_name_on_their_appointments(
    world: World, client: TestClient, headers_for: Any
) -> None:
    from tests.security.matrix import ACTORS

    appointment = world.appointment()
    maria = next(a for a in ACTORS if a.user_id == MARIA)
    response = client.get(f"/api/appointments/{appointment}", headers=headers_for(maria))
    assert response.status_code == 200, response.text
    assert response.json()["vet_name"] == "Carlos Giménez"


@pytest.mark.parametrize(("who", "user_id", "role"), OUTSIDERS, ids=[o[0] for o in OUTSIDERS])
def test_clinic_settings_are_not_readable_by_api_roles(
    world: World, who: str, user_id: UUID | None, role: Role
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _as(world, user_id, role, "SELECT settings FROM public.tenants")
    public = _as(world, user_id, role, "SELECT id, name, timezone FROM public.tenants")
    assert {r[0] for r in public} >= {"adris", "retiro"}
