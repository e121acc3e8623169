"""A booker whose snapshot predates the winner still gets SLOT_UNAVAILABLE, not an error.

Under READ COMMITTED (every API request, every Supabase RPC) the vet lock and the overlap
check decide, and the insert runs without a subtransaction. A REPEATABLE READ or
SERIALIZABLE caller keeps the snapshot of its first statement, so the check cannot see a
booking committed after it; there the exclusion constraint refuses the row and the
function's last line of defence answers. The outcome is counted by an independent query.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import IsolationLevel
from psycopg.rows import dict_row

from tests.booking.world import Clinic, as_user, make_clinic, rpc
from tests.clock import MONDAY, weekday_ahead
from vete.session import act_as

ASU = ZoneInfo("America/Asuncion")
DAY = weekday_ahead(ASU, MONDAY, weeks=4)


@pytest.fixture(scope="module")
def clinic(database_url: str) -> Clinic:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return make_clinic(
            conn,
            "snapclinic",
            owners=2,
            shift=(time(8), time(18)),
            lunch=None,
            services={"consult": (30, 0)},
        )


def book(conn: psycopg.Connection[Any], clinic: Clinic, owner: Any, start: datetime) -> Any:
    return rpc(
        conn,
        "book_appointment_atomic",
        p_tenant_id=clinic.tenant_id,
        p_pet_id=clinic.pet_of(owner),
        p_service_id=clinic.services["consult"],
        p_vet_id=clinic.vet,
        p_start_time=start,
    )


@pytest.mark.parametrize(
    ("level", "hour"),
    [(IsolationLevel.REPEATABLE_READ, 9), (IsolationLevel.SERIALIZABLE, 11)],
    ids=["repeatable-read", "serializable"],
)
def test_stale_snapshot_booker_gets_slot_unavailable(
    database_url: str, clinic: Clinic, level: IsolationLevel, hour: int
) -> None:
    start = datetime.combine(DAY, time(hour), tzinfo=ASU)
    late, early = clinic.owners[0], clinic.owners[1]
    with (
        psycopg.connect(database_url, row_factory=dict_row) as stale,
        psycopg.connect(database_url, row_factory=dict_row) as winner,
    ):
        stale.isolation_level = level
        with stale.transaction():
            act_as(stale, user_id=late, role="authenticated")
            # The snapshot is taken now, before the winner commits.
            stale.execute("SELECT count(*) FROM appointments").fetchone()
            won = as_user(winner, early, lambda: book(winner, clinic, early, start))
            assert won["success"], won
            lost = book(stale, clinic, late, start)
        assert lost == {
            "success": False,
            "error": "SLOT_UNAVAILABLE",
            "message": "El horario ya no está disponible",
        }
        count = winner.execute(
            "SELECT count(*) AS n FROM appointments WHERE vet_id = %s AND start_time = %s"
            " AND status NOT IN ('cancelled', 'no_show')",
            [clinic.vet, start],
        ).fetchone()
    assert count is not None
    assert count["n"] == 1
