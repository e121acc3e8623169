"""The fast path (migration 014) answers exactly what the merge engine answers, or declines.

Each scenario puts the same stored lines in a cart, runs the engine
(``vete.store_cart_apply``) and the fast path (``vete.store_cart_merge_fast``) on the same
request, and compares: whenever the fast path answers, its JSON equals the engine's (but
for ``version``, one write later); when the engine refuses, the fast path declines (NULL).
The scenarios mix plain product lines with everything the fast path must leave to the
engine: bad quantities, missing ids, service lines, unknown, inactive and out-of-stock
products, repeated lines, more than 50 lines, ids in upper case, odd stored lines.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from tests.store.conftest import Conn, Shop, make_shop

SCENARIOS = 400
ENGINE = "SELECT vete.store_cart_apply(%(t)s, %(c)s, %(items)s, %(policy)s) AS r"
FAST = "SELECT vete.store_cart_merge_fast(%(t)s, %(c)s, %(items)s, %(policy)s) AS r"
RESET = "UPDATE store_carts SET items = %(old)s WHERE tenant_id = %(t)s AND customer_id = %(c)s"


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    shop = make_shop(admin, "fastpath", customers=1, products=60, stock=1000)
    # Some products short of stock, one with none, one withdrawn, one reserved away.
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = 4 WHERE tenant_id = %s AND product_id = %s",
        [shop.tenant, shop.products[1]],
    )
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = 0 WHERE tenant_id = %s AND product_id = %s",
        [shop.tenant, shop.products[2]],
    )
    admin.execute(
        "UPDATE store_products SET is_active = false WHERE tenant_id = %s AND id = %s",
        [shop.tenant, shop.products[3]],
    )
    admin.execute(
        "UPDATE store_inventory SET stock_quantity = 150, reserved_quantity = 20"
        " WHERE tenant_id = %s AND product_id = %s",
        [shop.tenant, shop.products[4]],
    )
    admin.execute(
        "INSERT INTO store_carts (tenant_id, customer_id) VALUES (%s, %s)",
        [shop.tenant, shop.customers[0]],
    )
    admin.commit()
    return shop


def line(rng: random.Random, shop: Shop, product: uuid.UUID, *, new: bool, plain: bool) -> Any:
    """One cart line: plain, or (unless ``plain``) sometimes anything the engine must judge."""
    out: dict[str, Any] = {"id": str(product), "type": "product", "quantity": rng.randint(1, 9)}
    if rng.random() < 0.5:
        out |= {"name": "client name", "price": rng.choice([1, float(shop.price[product]), "x"])}
    if rng.random() < 0.2:
        out["image"] = "https://example.org/p.png"
    odd = 1.0 if plain else rng.random()
    if odd < 0.03:
        out["id"] = str(product).upper()
    elif odd < 0.05:
        out["id"] = str(uuid.uuid4())  # unknown product
    elif odd < 0.07:
        out["id"] = "not-a-uuid"
    elif odd < 0.09:
        out["type"] = "service"
    elif odd < 0.11:
        del out["id"]
    elif odd < 0.13:
        out["quantity"] = rng.choice([0, 101, 250, 2.5, "3", None, -1, 3.0])
    elif odd < 0.14:
        return rng.choice([7, "x", None, [out]])
    elif odd < 0.15 and not new:
        del out["quantity"]
    return out


def scenario(rng: random.Random, shop: Shop) -> tuple[list[Any], list[Any], str]:
    plain = rng.random() < 0.5  # distinct lines, nothing odd: the fast path's case
    old_n = rng.choice([0, 1, 3, 5, 10, 45]) if rng.random() < 0.95 else 50
    new_n = rng.choice([0, 1, 2, 5, 10])
    pick: Callable[[int], list[uuid.UUID]] = (
        (lambda n: rng.sample(shop.products, n))
        if plain
        else (
            lambda n: rng.choices(shop.products[:8] if rng.random() < 0.5 else shop.products, k=n)
        )
    )
    old = [line(rng, shop, p, new=False, plain=plain) for p in pick(old_n)]
    new = [line(rng, shop, p, new=True, plain=plain) for p in pick(new_n)]
    if rng.random() < 0.7:  # the usual login merge: old lines again, new quantities
        new += [
            dict(o, quantity=rng.randint(1, 120 if rng.random() < 0.1 else 9))
            for o in old[: rng.randint(0, len(old))]
            if isinstance(o, dict) and "id" in o
        ][: 50 - len(new)]
    return old, new, rng.choice(["max", "sum", "set"])


def one(conn: Conn, sql: str, args: dict[str, Any]) -> Any:
    row = conn.execute(sql, args).fetchone()
    assert row is not None
    return row["r"]


def test_fast_path_answers_exactly_what_the_engine_answers(admin: Conn, shop: Shop) -> None:
    rng = random.Random(14)
    answered = declined = 0
    for _ in range(SCENARIOS):
        old, new, policy = scenario(rng, shop)
        args = {"t": shop.tenant, "c": shop.customers[0], "items": Jsonb(new), "policy": policy}
        with admin.transaction(force_rollback=True):
            admin.execute(RESET, args | {"old": Jsonb(old)})
            engine = one(admin, ENGINE, args)
            admin.execute(RESET, args | {"old": Jsonb(old)})
            fast = one(admin, FAST, args)
        if fast is None:
            declined += 1
            continue
        answered += 1
        assert engine.get("success") is True, (old, new, policy, engine, fast)
        assert fast["version"] == engine["version"] + 1
        assert {k: v for k, v in fast.items() if k != "version"} == {
            k: v for k, v in engine.items() if k != "version"
        }, (old, new, policy)
    # Both paths were exercised: the plain case is the common one.
    assert answered > SCENARIOS // 3, (answered, declined)
    assert declined > SCENARIOS // 10, (answered, declined)


def test_fast_path_declines_when_there_is_no_cart_and_writes_nothing(
    admin: Conn, shop: Shop
) -> None:
    stranger = uuid.uuid4()
    items = Jsonb([{"id": str(shop.products[0]), "type": "product", "quantity": 1}])
    args = {"t": shop.tenant, "c": stranger, "items": items, "policy": "max"}
    assert one(admin, FAST, args) is None
    count = admin.execute(
        "SELECT count(*) AS n FROM store_carts WHERE customer_id = %s", [stranger]
    ).fetchone()
    admin.commit()
    assert count == {"n": 0}
