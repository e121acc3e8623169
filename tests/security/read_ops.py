"""One read per row of ``vete.security.matrix.TABLE_READS``, as PostgREST would make it."""

from __future__ import annotations

import psycopg

from tests.security.conftest import World
from vete.security.matrix import Actor
from vete.session import act_as

READS: dict[str, str] = {
    "vets' email and phone (profiles, adris)": (
        "SELECT email, phone FROM public.profiles WHERE tenant_id = 'adris' AND role = 'vet'"
    ),
    "owners' email and phone (profiles, adris)": (
        "SELECT email, phone FROM public.profiles WHERE tenant_id = 'adris' AND role = 'owner'"
    ),
    "vets' names (clinic_vets, adris)": (
        "SELECT full_name FROM public.clinic_vets WHERE tenant_id = 'adris'"
    ),
    "clinic settings (tenants.settings)": "SELECT settings FROM public.tenants",
    "TRUNCATE appointments": "TRUNCATE public.appointments",
}


def run(name: str, actor: Actor, w: World) -> str:
    """``#ROWS`` the caller sees (a TRUNCATE that runs is rolled back), or ``denied``."""
    with psycopg.connect(w.url) as conn:
        try:
            with conn.transaction(force_rollback=True):
                act_as(conn, user_id=actor.user_id, role=actor.role)  # type: ignore[arg-type]
                cur = conn.execute(READS[name])  # type: ignore[arg-type]
                return f"#{len(cur.fetchall()) if cur.description else 0}"
        except psycopg.errors.InsufficientPrivilege:
            return "denied"
