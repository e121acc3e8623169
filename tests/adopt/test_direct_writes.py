"""After adopt, the original's other write paths cannot break vete's calendar.

An owner's direct INSERT through the original's policy ("Owners create appointments") is
refused by vete's grants (migration 017, applied by adopt: writes by clients go through
vete's functions, which enforce the service's duration and the booking horizon, issue 13);
what still writes the table directly is the original's server side, as service_role,
which row-level security does not stop. Both race vete's functions here — no overlap, no
deadlock, no raw error from vete.

Each round 32 clients are released together (vete.proof.harness.Crowd, a barrier) on one
vet's calendar: half book through vete's book_appointment_atomic, a quarter INSERT as the
pet's owner (SET ROLE authenticated with the owner's JWT claims), a quarter INSERT as
service_role, at start times 0, 10 or 20 minutes apart, so their 30-minute ranges overlap
each other and vete's. Then, on the
same calendar, staff UPDATEs moving appointments race vete's reschedule of the same rows
and vete's bookings of the slot they move to.
Counted afterwards by an independent query: overlapping active pairs of the vet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.adopt.conftest import load_original, rows, run_adopt
from tests.adopt.test_adopted import BOOK, future_weekday, rpc
from vete.proof.harness import Call, Crowd
from vete.session import act_as

ADMIN = "a0000000-0000-4000-8000-000000000003"
OWNER = "a0000000-0000-4000-8000-000000000011"
PET = "b0000000-0000-4000-8000-000000000011"  # Mishi, owned by OWNER
VET = "a0000000-0000-4000-8000-000000000002"
SERVICE = "c0000000-0000-4000-8000-000000000001"
CLIENTS = 32
ROUNDS = 6

OVERLAPS = """
SELECT count(*) AS n FROM public.appointments a JOIN public.appointments b
  ON a.vet_id = b.vet_id AND a.id < b.id
 AND a.start_time < b.end_time AND b.start_time < a.end_time
WHERE a.vet_id = %s
  AND a.status NOT IN ('cancelled', 'no_show') AND a.deleted_at IS NULL
  AND b.status NOT IN ('cancelled', 'no_show') AND b.deleted_at IS NULL
"""


@pytest.fixture(scope="module")
def adopted_url(database_factory: Callable[..., str]) -> str:
    url = load_original(database_factory(empty=True))
    run_adopt(url, resolve=True)
    return url


@pytest.fixture(scope="module")
def kept_url(database_factory: Callable[..., str]) -> str:
    """Adopted with --keep-direct-writes: the original's app goes on writing directly."""
    url = load_original(database_factory(empty=True))
    assert run_adopt(url, resolve=True, keep_direct_writes=True).direct_writes_kept
    return url


@pytest.fixture(params=["vete's grants", "direct writes kept"])
def adopted_as(request: pytest.FixtureRequest) -> tuple[str, bool]:
    """(url, kept): adopted by default, or with signed-in users' direct writes kept."""
    kept = request.param == "direct writes kept"
    return request.getfixturevalue("kept_url" if kept else "adopted_url"), kept


def direct_insert(
    conn: psycopg.Connection[Any],
    start: dt.datetime,
    role: str = "service_role",
    user: str = OWNER,
) -> dict[str, Any]:
    """What the original's app does for an owner: INSERT the row itself, from its server
    (service_role) or from the owner's session (authenticated, through its RLS policy)."""
    with conn.transaction():
        act_as(conn, user_id=user, role=role)
        conn.execute(
            "INSERT INTO public.appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
            " end_time, duration_minutes, reason, created_by)"
            " VALUES ('adris', %s, %s, %s, %s, %s, 30, 'directo', %s)",
            [PET, SERVICE, VET, start, start + dt.timedelta(minutes=30), OWNER],
        )
    return {"success": True}


def outcomes(calls: list[Call], kinds: list[str]) -> Counter[str]:
    return Counter(f"{kind}: {call.outcome}" for kind, call in zip(kinds, calls, strict=True))


def test_vete_bookings_and_owners_direct_inserts_never_overlap_or_deadlock(
    adopted_as: tuple[str, bool],
) -> None:
    adopted_url, kept = adopted_as
    kinds = ["vete", "owner", "vete", "direct"] * (CLIENTS // 4)
    seen: Counter[str] = Counter()

    def action(i: int, conn: psycopg.Connection[Any], start: dt.datetime) -> Any:
        if kinds[i] == "vete":
            args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": start,
                    "by": None}  # fmt: skip
            return rpc(conn, ADMIN, BOOK, args)
        role = "authenticated" if kinds[i] == "owner" else "service_role"
        return direct_insert(conn, start + dt.timedelta(minutes=10 * (i % 3)), role)

    with Crowd(adopted_url, CLIENTS) as crowd:
        for round_no in range(ROUNDS):
            start = future_weekday(40 + 7 * round_no, 10)  # a week apart: distinct days
            calls = crowd.round(action, start)
            seen += outcomes(calls, kinds)
            assert sum(c.outcome == "success" for c in calls) >= 1, outcomes(calls, kinds)
    allowed = {
        "vete: success", "vete: SLOT_UNAVAILABLE",
        "direct: success", "direct: raised 23P01",  # the trigger's or the constraint's refusal
        "direct: raised 40001",  # the vet stayed busy past the trigger's 2 s: retry
    }  # fmt: skip
    if kept:  # through the original's policy "Owners create appointments", and the trigger
        allowed |= {"owner: success", "owner: raised 23P01", "owner: raised 40001"}
    else:  # vete's grants: an owner books through vete's functions
        allowed |= {"owner: raised 42501"}
        assert seen["owner: raised 42501"] == ROUNDS * CLIENTS // 4
    assert set(seen) <= allowed, seen
    assert rows(adopted_url, OVERLAPS, VET)[0]["n"] == 0


def test_staff_updates_racing_vete_reschedules_never_overlap_or_deadlock(
    adopted_as: tuple[str, bool],
) -> None:
    """Staff move appointments directly while vete reschedules the same ones: each pair of
    clients fights over one row and one slot. By default from the original's server
    (service_role: a staff member's own session may not UPDATE the table after vete's
    grants); with direct writes kept, from the staff member's own session, through the
    original's policy "Staff manage appointments"."""
    adopted_url, kept = adopted_as
    staff_role = "authenticated" if kept else "service_role"
    pairs = CLIENTS // 2
    seen: Counter[str] = Counter()

    def setup(round_no: int) -> tuple[list[str], dt.datetime]:
        day = future_weekday(50 + 7 * round_no, 9)
        booked = []
        with psycopg.connect(adopted_url) as conn:
            for k in range(pairs):  # 16 appointments of 15 minutes, 09:00 to 13:00
                start = day + dt.timedelta(minutes=15 * k)
                booked.append(
                    conn.execute(
                        "INSERT INTO public.appointments (tenant_id, pet_id, service_id, vet_id,"
                        " start_time, end_time, duration_minutes) VALUES ('adris', %s, %s, %s,"
                        " %s, %s, 15) RETURNING id::text",
                        [PET, SERVICE, VET, start, start + dt.timedelta(minutes=15)],
                    ).fetchone()[0]  # type: ignore[index]
                )
        return booked, day + dt.timedelta(hours=5)  # everyone wants 14:00

    def action(i: int, conn: psycopg.Connection[Any], ctx: tuple[list[str], dt.datetime]) -> Any:
        booked, target = ctx
        appointment = booked[i // 2]
        if i % 4 == 2:  # a new booking for the slot the pair's staff member moves a row to
            args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": target,
                    "by": None}  # fmt: skip
            return rpc(conn, ADMIN, BOOK, args)
        if i % 4 == 0:  # vete reschedules the very row the pair's staff member moves
            return rpc(
                conn, ADMIN,
                "SELECT public.reschedule_appointment_atomic(p_appointment_id => %(a)s,"
                " p_new_start_time => %(s)s, p_user_id => %(u)s, p_is_staff => true) AS r",
                {"a": appointment, "s": target, "u": ADMIN},
            )  # fmt: skip
        with conn.transaction():
            act_as(conn, user_id=ADMIN, role=staff_role)
            moved = conn.execute(
                "UPDATE public.appointments SET start_time = %s, end_time = %s,"
                " duration_minutes = 15 WHERE id = %s",
                [target, target + dt.timedelta(minutes=15), appointment],
            )
            assert moved.rowcount == 1  # the policy let the staff member see the row
        return {"success": True}

    kinds = ["vete" if i % 2 == 0 else "direct" for i in range(CLIENTS)]
    with Crowd(adopted_url, CLIENTS) as crowd:
        for round_no in range(3):
            ctx = setup(round_no)
            calls = crowd.round(action, ctx)
            seen += outcomes(calls, kinds)
            assert sum(c.outcome == "success" for c in calls) >= 1, outcomes(calls, kinds)
    allowed = {
        "vete: success", "vete: SLOT_UNAVAILABLE",
        "direct: success", "direct: raised 23P01",
        # A staff UPDATE whose row vete is rescheduling at that moment gives way (retry)
        # rather than deadlock: vete's function holds the vet lock and waits for the row.
        "direct: raised 40001",
    }  # fmt: skip
    assert set(seen) <= allowed, seen
    assert rows(adopted_url, OVERLAPS, VET)[0]["n"] == 0


def test_a_booking_that_meets_23p01_answers_slot_unavailable(adopted_url: str) -> None:
    """A REPEATABLE READ caller's snapshot predates a direct INSERT: vete's check
    and the original trigger's both miss it, the database refuses the row with 23P01, and
    the caller is told SLOT_UNAVAILABLE, not the raw error."""
    start = future_weekday(90, 11)
    args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": start, "by": None}
    with psycopg.connect(adopted_url) as late, psycopg.connect(adopted_url) as owner:
        late.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with late.transaction():
            act_as(late, user_id=ADMIN, role="authenticated")
            late.execute("SELECT count(*) FROM public.appointments")  # the snapshot is taken
            direct_insert(owner, start)
            answer = late.execute(BOOK, args).fetchone()[0]  # type: ignore[index]
    assert answer["error"] == "SLOT_UNAVAILABLE", answer
    assert rows(adopted_url, OVERLAPS, VET)[0]["n"] == 0


def test_a_repeatable_read_booking_of_a_free_slot_is_refused_not_raised(adopted_url: str) -> None:
    """The trigger's limit (docs/adopt.md): at REPEATABLE READ it cannot see bookings
    committed after the snapshot, so it refuses every write that changes a vet's calendar;
    vete's function answers SLOT_UNAVAILABLE and writes nothing, and at READ COMMITTED the
    same booking succeeds."""
    start = future_weekday(97, 15)
    args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": start, "by": None}
    with psycopg.connect(adopted_url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            act_as(conn, user_id=ADMIN, role="authenticated")
            refused = conn.execute(BOOK, args).fetchone()[0]  # type: ignore[index]
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        with conn.transaction():
            act_as(conn, user_id=ADMIN, role="authenticated")
            booked = conn.execute(BOOK, args).fetchone()[0]  # type: ignore[index]
    assert refused["error"] == "SLOT_UNAVAILABLE", refused
    assert booked["success"] is True, booked
    found = rows(
        adopted_url,
        "SELECT count(*) AS n FROM public.appointments WHERE vet_id = %s AND start_time = %s",
        VET, start,
    )  # fmt: skip
    assert found[0]["n"] == 1


def test_the_trigger_takes_the_very_lock_vete_lock_vet_takes(adopted_url: str) -> None:
    """The direct-write trigger (adopt 004's vete.vet_lock_key) and vete's own functions
    (the definition booking/lock_vet) serialize on one advisory lock per vet: were the two
    keys to drift apart, a direct INSERT and a vete booking would no longer wait for each
    other."""
    with psycopg.connect(adopted_url) as conn:
        key = conn.execute("SELECT vete.vet_lock_key('adris', %s)", [VET]).fetchone()
        assert key is not None
        conn.execute("SELECT vete.lock_vet('adris', %s)", [VET])
        held = conn.execute(
            "SELECT count(*) FROM pg_locks l WHERE l.pid = pg_backend_pid()"
            " AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            " AND l.classid = ((%s::bigint >> 32) & 4294967295)::oid"
            " AND l.objid = (%s::bigint & 4294967295)::oid",
            [key[0], key[0]],
        ).fetchone()
        assert held == (1,)


def test_kept_direct_writes_follow_the_originals_policies_and_the_trigger(kept_url: str) -> None:
    """With --keep-direct-writes: an owner INSERTs an appointment for their own pet (not for
    another's), an overlap is refused by vete's trigger, staff UPDATE through their policy,
    a later `vete db deploy` sees no grant drift, and adopting again changes nothing."""
    start = future_weekday(120, 9)
    with psycopg.connect(kept_url) as conn:
        assert direct_insert(conn, start, "authenticated") == {"success": True}
        with pytest.raises(psycopg.errors.ExclusionViolation):
            direct_insert(conn, start + dt.timedelta(minutes=15), "authenticated")
        stranger = "a0000000-0000-4000-8000-000000000012"  # not the pet's owner
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            direct_insert(conn, start + dt.timedelta(hours=2), "authenticated", user=stranger)
        with conn.transaction():
            act_as(conn, user_id=ADMIN, role="authenticated")
            moved = conn.execute(
                "UPDATE public.appointments SET start_time = start_time + interval '1 hour',"
                " end_time = end_time + interval '1 hour' WHERE vet_id = %s AND start_time = %s",
                [VET, start],
            )
            assert moved.rowcount == 1
    assert rows(kept_url, OVERLAPS, VET)[0]["n"] == 0
    assert rows(kept_url, "SELECT * FROM vete.grant_drift()") == []
    again = run_adopt(kept_url, resolve=True, keep_direct_writes=True)
    assert again.recognised["kind"] == "adopted"
    assert not again.changed
    assert again.direct_writes_kept


def test_direct_writes_can_be_kept_after_adopt(database_factory: Callable[..., str]) -> None:
    """Turned on later on an adopted database: refused before, accepted after."""
    url = load_original(database_factory(empty=True))
    run_adopt(url, resolve=True)
    start = future_weekday(130, 9)
    with psycopg.connect(url) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            direct_insert(conn, start, "authenticated")
        report = run_adopt(url, keep_direct_writes=True)
        assert report.changed
        assert report.direct_writes_kept
        assert direct_insert(conn, start, "authenticated") == {"success": True}
