"""One read per row of ``tests.security.matrix.TABLE_READS``, as PostgREST would make it:
the caller's role and JWT claims set in the transaction, then a plain statement, with
privileges and row-level security deciding."""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from tests.security.conftest import World
from tests.security.matrix import Actor
from vete.session import act_as

INVENTORY_OF = "SELECT 1 FROM store_inventory WHERE tenant_id = 'adris' AND product_id = %s"


def _fixed(query: str) -> Callable[[World], tuple[str, list[object]]]:
    return lambda _w: (query, [])


#: name → the statement (and its parameters) in the world of the test
READS: dict[str, Callable[[World], tuple[str, list[object]]]] = {
    "vets' email and phone (profiles, adris)": _fixed(
        "SELECT email, phone FROM public.profiles WHERE tenant_id = 'adris' AND role = 'vet'"
    ),
    "owners' email and phone (profiles, adris)": _fixed(
        "SELECT email, phone FROM public.profiles WHERE tenant_id = 'adris' AND role = 'owner'"
    ),
    "vets' names (clinic_vets, adris)": _fixed(
        "SELECT full_name FROM public.clinic_vets WHERE tenant_id = 'adris'"
    ),
    "clinic settings (tenants.settings)": _fixed("SELECT settings FROM public.tenants"),
    "TRUNCATE appointments": _fixed("TRUNCATE public.appointments"),
    # The withdrawn product is inactive at adris: its stock is the clinic staff's only.
    "store_inventory of a product on sale": lambda w: (INVENTORY_OF, [w.product]),
    "store_inventory of a withdrawn product": lambda w: (INVENTORY_OF, [w.withdrawn]),
}


def run(name: str, actor: Actor, w: World) -> str:
    """``#ROWS`` the caller sees (a TRUNCATE that runs is rolled back), or ``denied``."""
    with psycopg.connect(w.url) as conn:
        try:
            with conn.transaction(force_rollback=True):
                act_as(conn, user_id=actor.user_id, role=actor.role)  # type: ignore[arg-type]
                query, params = READS[name](w)
                cur = conn.execute(query, params)  # type: ignore[arg-type]
                return f"#{len(cur.fetchall()) if cur.description else 0}"
        except psycopg.errors.InsufficientPrivilege:
            return "denied"
