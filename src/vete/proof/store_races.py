"""vete race's store scenarios: multi-device cart merges and the last units at checkout."""

from __future__ import annotations

import uuid
from typing import Any

from psycopg.types.json import Jsonb

from vete.proof.harness import Call, Conn, Tally
from vete.proof.scenarios import Cart, Scenario, queries
from vete.proof.world import RaceClinic, add_customers
from vete.session import act_as

#: What the customer's cart holds before the existing-cart race: (product index, quantity).
EXISTING = ((0, 4), (19, 2))


def item(product: uuid.UUID, quantity: int) -> dict[str, Any]:
    """A cart line as a device sends it (its price deliberately wrong: the catalog's wins)."""
    return {
        "id": str(product),
        "type": "product",
        "name": "device",
        "price": 1,
        "quantity": quantity,
    }


def device_lines(device: int, round_no: int) -> list[tuple[int, int]]:
    """Device ``device``'s cart in a round: shared lines with differing quantities, plus one
    line of its own (so a lost write is a lost line)."""
    return [
        (0, device % 9 + 1),
        (1, (device * 3 + round_no) % 7 + 1),
        (2 + device % 17, 1 + round_no % 3),
    ]


def expected_max(contributions: list[tuple[int, int]]) -> dict[int, int]:
    """The cart the max policy promises: per product, the largest quantity anyone sent."""
    out: dict[int, int] = {}
    for product, quantity in contributions:
        out[product] = max(out.get(product, 0), quantity)
    return out


def merge_scenarios(
    admin: Conn, clinic: RaceClinic, cart: Cart, rounds: int, *, names: tuple[str, ...]
) -> dict[str, Scenario]:
    """``cart-merge-new`` (the customer has no cart yet) and ``cart-merge-existing``: every
    client is one device of one fresh customer per round, merging at login."""
    return {name: _merge_scenario(admin, clinic, cart, rounds, name) for name in names}


def _merge_scenario(
    admin: Conn, clinic: RaceClinic, cart: Cart, rounds: int, name: str
) -> Scenario:
    existing = list(EXISTING) if name == "cart-merge-existing" else []
    fresh = iter(add_customers(admin, clinic.tenant, rounds))
    index = {str(p): n for n, p in enumerate(clinic.products)}

    def setup(round_no: int) -> tuple[uuid.UUID, int]:
        customer = next(fresh)
        if existing:
            lines = [item(clinic.products[p], q) for p, q in existing]
            answer = cart.merge(admin, customer, lines, act=False)
            if not answer.get("success"):
                raise RuntimeError(f"setting up the existing cart failed: {answer}")
        return customer, round_no

    def action(i: int, conn: Conn, ctx: tuple[uuid.UUID, int]) -> Any:
        customer, round_no = ctx
        mine = [item(clinic.products[p], q) for p, q in device_lines(i, round_no)]
        return cart.merge(conn, customer, mine, act=True)

    def judge(round_no: int, ctx: tuple[uuid.UUID, int], calls: list[Call], tally: Tally) -> None:
        sent = [line for d in range(len(calls)) for line in device_lines(d, round_no)]
        want = expected_max(existing + sent)
        rows = cart.lines(admin, ctx[0])
        keys = [(r["id"], r["type"]) for r in rows]
        duplicates = len(keys) - len(set(keys))
        got = {index.get(r["id"], -1): int(r["quantity"]) for r in rows}
        lost = sum(1 for p, q in want.items() if got.get(p, 0) < q)
        tally.violate(lost, f"round {round_no}: {lost} of {len(want)} lines lost or short")
        tally.violate(duplicates, f"round {round_no}: {duplicates} duplicate cart lines")

    return Scenario(name, setup=setup, action=action, judge=judge)


def checkout_scenario(admin: Conn, clinic: RaceClinic, clients: int) -> Scenario:
    """Every client buys one unit of a product that has ``clients // 4`` (at least 1) left."""
    stock = max(1, clients // 4)
    product = clinic.last_units

    def key(round_no: int) -> str:
        return f"{clinic.tenant}-round-{round_no}"

    def setup(round_no: int) -> int:
        queries.set_stock(admin, tenant=clinic.tenant, product=product, stock=stock)
        for owner in clinic.owners:
            answer = queries.merge(
                admin, tenant=clinic.tenant, customer=owner, items=Jsonb([item(product, 1)])
            )
            if not answer.get("success"):
                raise RuntimeError(f"filling a buyer's cart failed: {answer}")
        admin.commit()
        return round_no

    def action(i: int, conn: Conn, round_no: int) -> Any:
        owner = clinic.owners[i]
        with conn.transaction():
            act_as(conn, user_id=owner, role="authenticated")
            return queries.checkout(conn, tenant=clinic.tenant, customer=owner, key=key(round_no))

    def judge(round_no: int, ctx: int, calls: list[Call], tally: Tally) -> None:
        sold = int(
            queries.units_sold(admin, tenant=clinic.tenant, product=product, key=key(round_no))
        )
        left = int(queries.stock_of(admin, tenant=clinic.tenant, product=product))
        admin.rollback()
        tally.violate(max(0, sold - stock), f"round {round_no}: sold {sold} of {stock} units")
        tally.violate(int(left < 0), f"round {round_no}: stock went negative ({left})")
        tally.violate(
            int(left >= 0 and left + sold != stock),
            f"round {round_no}: {sold} sold + {left} left != {stock} stocked",
        )

    return Scenario("last-units-checkout", setup=setup, action=action, judge=judge)
