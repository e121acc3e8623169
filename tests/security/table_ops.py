"""One table read per row of ``vete.security.matrix.TABLE_READS``, as each caller.

The caller reads the table the way PostgREST does for ``GET /rest/v1/<table>``: its role
and JWT claims set in the transaction, a plain SELECT, row-level security deciding.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from tests.security.conftest import World
from vete.security.matrix import Actor
from vete.session import act_as

INVENTORY_OF = "SELECT count(*) FROM store_inventory WHERE tenant_id = 'adris' AND product_id = %s"

#: name → the product whose inventory row is read
READS: dict[str, Callable[[World], str]] = {
    "store_inventory of a product on sale": lambda w: w.product,
    "store_inventory of a withdrawn product": lambda w: w.withdrawn,
}


def run(name: str, actor: Actor, w: World) -> str:
    """``#N``: how many of the named rows ``actor`` sees."""
    with psycopg.connect(w.url) as conn, conn.transaction(force_rollback=True):
        act_as(conn, user_id=actor.user_id, role=actor.role)  # type: ignore[arg-type]
        row = conn.execute(INVENTORY_OF, [READS[name](w)]).fetchone()
    assert row is not None
    return f"#{row[0]}"
