"""vete race's scenarios: what each client does per round, and the SQL check that judges it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol

import aiosql
from psycopg.types.json import Jsonb

from vete.proof.harness import Call, Conn, Tally
from vete.proof.world import RaceClinic
from vete.session import act_as

queries: Any = aiosql.from_path(Path(__file__).with_name("race.sql"), "psycopg")

BOOKING = ("same-slot", "overlapping-ranges", "reschedule-vs-book", "reschedules-one-slot")
STORE = ("cart-merge-new", "cart-merge-existing", "last-units-checkout")
SCENARIOS = BOOKING + STORE
#: Scenarios the naive implementation has a twin of (--compare naive).
NAIVE_TWINS = ("same-slot", "overlapping-ranges", "cart-merge-new", "cart-merge-existing")
#: Services of the race clinic: (duration, buffer) in minutes.
SERVICES = {"consult": (30, 0), "surgery": (60, 15), "quick": (15, 0)}


@dataclass(frozen=True, slots=True)
class Scenario:
    """One race: per round ``setup`` (main thread), every client's ``action`` at once, ``judge``."""

    name: str
    setup: Callable[[int], Any]
    action: Callable[[int, Conn, Any], Any]
    judge: Callable[[int, Any, list[Call], Tally], None]


class Booking(Protocol):
    def book(
        self, conn: Conn, client: int, vet: uuid.UUID, start: datetime, minutes: int
    ) -> Any: ...

    def overlapping_pairs(
        self, conn: Conn, vet: uuid.UUID, since: datetime, until: datetime
    ) -> int: ...


class Cart(Protocol):
    def merge(
        self, conn: Conn, customer: uuid.UUID, items: list[dict[str, Any]], *, act: bool
    ) -> Any: ...

    def lines(self, conn: Conn, customer: uuid.UUID) -> list[dict[str, Any]]: ...


class VeteBooking:
    """vete's functions, each client signed in as its own owner (as over Supabase RPC)."""

    def __init__(self, clinic: RaceClinic) -> None:
        self.clinic = clinic
        self.service_by_minutes = {d + b: name for name, (d, b) in SERVICES.items()}

    def book(self, conn: Conn, client: int, vet: uuid.UUID, start: datetime, minutes: int) -> Any:
        owner = self.clinic.owners[client]
        service = self.clinic.services[self.service_by_minutes[minutes]]
        with conn.transaction():
            act_as(conn, user_id=owner, role="authenticated")
            return queries.book(
                conn,
                tenant=self.clinic.tenant,
                pet=self.clinic.pets[owner],
                service=service,
                vet=vet,
                start=start,
            )

    def reschedule(self, conn: Conn, client: int, appointment: uuid.UUID, start: datetime) -> Any:
        owner = self.clinic.owners[client]
        with conn.transaction():
            act_as(conn, user_id=owner, role="authenticated")
            return queries.reschedule(conn, appointment=appointment, start=start, user_id=owner)

    def overlapping_pairs(
        self, conn: Conn, vet: uuid.UUID, since: datetime, until: datetime
    ) -> int:
        pairs = int(
            queries.overlapping_pairs(
                conn, tenant=self.clinic.tenant, vet=vet, since=since, until=until
            )
        )
        conn.rollback()
        return pairs


class VeteCart:
    """merge_cart_atomic, signed in as the customer (or as the platform for setup)."""

    def __init__(self, clinic: RaceClinic) -> None:
        self.clinic = clinic

    def merge(
        self, conn: Conn, customer: uuid.UUID, items: list[dict[str, Any]], *, act: bool
    ) -> Any:
        with conn.transaction():
            if act:
                act_as(conn, user_id=customer, role="authenticated")
            return queries.merge(
                conn, tenant=self.clinic.tenant, customer=customer, items=Jsonb(items)
            )

    def lines(self, conn: Conn, customer: uuid.UUID) -> list[dict[str, Any]]:
        rows = list(queries.cart_lines(conn, tenant=self.clinic.tenant, customer=customer))
        conn.rollback()
        return rows


def race_day(server_now: datetime, round_no: int) -> datetime:
    """Midnight UTC of the round's day: a week after the server's ``now()``, one day per
    round (always future by the clock booking judges by, whatever this machine's says)."""
    today = server_now.astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=7 + round_no), time(0), tzinfo=UTC)


def booking_scenarios(
    admin: Conn, clinic: RaceClinic, booking: Booking, clients: int
) -> dict[str, Scenario]:
    """The four booking races; each uses its own vet, and each round its own day."""
    day_of: dict[int, datetime] = {}
    with admin.transaction():
        row = admin.execute("SELECT now() AS now").fetchone()
    assert row is not None
    server_now: datetime = row["now"]

    def day(round_no: int) -> datetime:
        return day_of.setdefault(round_no, race_day(server_now, round_no))

    def judge_vet(vet: uuid.UUID) -> Callable[[int, Any, list[Call], Tally], None]:
        def judge(round_no: int, ctx: Any, calls: list[Call], tally: Tally) -> None:
            since = day(round_no)
            pairs = booking.overlapping_pairs(admin, vet, since, since + timedelta(days=1))
            tally.violate(
                pairs, f"round {round_no}: {pairs} overlapping pairs of active appointments"
            )

        return judge

    vets = clinic.vets
    scenarios = {
        # Every client books the same 30-minute slot.
        "same-slot": Scenario(
            "same-slot",
            setup=lambda r: day(r) + timedelta(hours=10),
            action=lambda i, conn, start: booking.book(conn, i, vets["same-slot"], start, 30),
            judge=judge_vet(vets["same-slot"]),
        ),
        # Client i asks for 10:00 + i minutes for a 60-minute surgery (+15 buffer): the
        # ranges overlap pairwise, none is identical.
        "overlapping-ranges": Scenario(
            "overlapping-ranges",
            setup=lambda r: day(r) + timedelta(hours=10),
            action=lambda i, conn, start: booking.book(
                conn, i, vets["overlapping-ranges"], start + timedelta(minutes=i % 60), 75
            ),
            judge=judge_vet(vets["overlapping-ranges"]),
        ),
    }
    if not isinstance(booking, VeteBooking):
        return scenarios

    def seed(vet: uuid.UUID, owners: int, round_no: int) -> list[uuid.UUID]:
        """One 15-minute appointment per owner, back to back from 00:00 (setup)."""
        ids = []
        for n in range(owners):
            owner = clinic.owners[n]
            ids.append(
                queries.seed_appointment(
                    admin,
                    tenant=clinic.tenant,
                    pet=clinic.pets[owner],
                    service=clinic.services["quick"],
                    vet=vet,
                    start=day(round_no) + timedelta(minutes=15 * n),
                    minutes=15,
                )
            )
        admin.commit()
        return ids

    target = timedelta(hours=23)
    half = max(1, clients // 2)

    def vs_book(i: int, conn: Conn, ctx: tuple[list[uuid.UUID], datetime]) -> Any:
        seeded, start = ctx
        if i < half:
            return booking.reschedule(conn, i, seeded[i], start)
        return booking.book(conn, i, vets["reschedule-vs-book"], start, 15)

    scenarios["reschedule-vs-book"] = Scenario(
        "reschedule-vs-book",
        setup=lambda r: (seed(vets["reschedule-vs-book"], half, r), day(r) + target),
        action=vs_book,
        judge=judge_vet(vets["reschedule-vs-book"]),
    )
    scenarios["reschedules-one-slot"] = Scenario(
        "reschedules-one-slot",
        setup=lambda r: (seed(vets["reschedules-one-slot"], clients, r), day(r) + target),
        action=lambda i, conn, ctx: booking.reschedule(conn, i, ctx[0][i], ctx[1]),
        judge=judge_vet(vets["reschedules-one-slot"]),
    )
    return scenarios
