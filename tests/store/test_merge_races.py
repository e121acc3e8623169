"""Concurrent login merges from 2 and 8 devices never lose an item (the original lost most)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from tests.store.conftest import (
    MERGE_SQL,
    Clients,
    Conn,
    Shop,
    as_user,
    cart_quantities,
    item,
    make_shop,
)

ROUNDS = 50
SCENARIOS = list(
    itertools.product((2, 8), ("disjoint", "overlapping"), ("no_cart", "with_cart"), ("max", "sum"))
)


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "races", customers=len(SCENARIOS) * ROUNDS, products=20)


@pytest.fixture(scope="module")
def fresh_customers(shop: Shop) -> Iterator[uuid.UUID]:
    """Each round gets a customer nobody has touched."""
    return iter(shop.customers)


def device_items(shop: Shop, overlap: str, device: int, rnd: int) -> list[tuple[uuid.UUID, int]]:
    """What device ``device`` has in its cart in round ``rnd``: (product, quantity) pairs."""
    p = shop.products
    if overlap == "disjoint":
        return [(p[2 * device], 1 + (device + rnd) % 5), (p[2 * device + 1], 2 + device % 3)]
    return [
        (p[0], device + 1),
        (p[1], (device * 3 + rnd) % 7 + 1),
        (p[2], 8 - device),
        (p[3 + device], 1),
    ]


def expected(contributions: list[tuple[uuid.UUID, int]], policy: str) -> dict[str, int]:
    """The cart the policy says: per product the max (or the sum) of every contribution."""
    out: dict[str, int] = {}
    for product, qty in contributions:
        key = str(product)
        out[key] = max(out.get(key, 0), qty) if policy == "max" else out.get(key, 0) + qty
    return out


@pytest.mark.parametrize(("devices", "overlap", "start", "policy"), SCENARIOS)
def test_concurrent_merges_lose_nothing(
    admin: Conn,
    shop: Shop,
    clients: Callable[[int], Clients],
    fresh_customers: Iterator[uuid.UUID],
    devices: int,
    overlap: str,
    start: str,
    policy: str,
) -> None:
    pool = clients(devices)
    lost_rounds: list[str] = []
    for rnd in range(ROUNDS):
        customer = next(fresh_customers)
        existing: list[tuple[uuid.UUID, int]] = []
        if start == "with_cart":
            existing = [(shop.products[0], 4), (shop.products[19], 2)]
            admin.execute(
                MERGE_SQL,
                {
                    "customer": customer,
                    "tenant": shop.tenant,
                    "policy": "max",
                    "items": json.dumps([item(pid, q) for pid, q in existing]),
                },
            )
            admin.commit()
        per_device = [device_items(shop, overlap, d, rnd) for d in range(devices)]

        work = [
            as_user(
                customer,
                MERGE_SQL,
                {
                    "customer": customer,
                    "tenant": shop.tenant,
                    "policy": policy,
                    "items": json.dumps([item(pid, q) for pid, q in mine]),
                },
            )
            for mine in per_device
        ]
        results = pool.run(work)

        for d, result in enumerate(results):
            assert result["success"] is True, result
            assert set(result) >= {"success", "items", "item_count"}
            # What a device gets back already holds its own items (the cart never shrinks).
            seen = {line["id"]: line["quantity"] for line in result["items"]}
            for pid, qty in per_device[d]:
                assert seen.get(str(pid), 0) >= qty, (rnd, d, result)
        want = expected(existing + [c for dev in per_device for c in dev], policy)
        got = cart_quantities(admin, shop.tenant, customer)
        if got != want:
            missing = sorted(set(want) - set(got))
            lost_rounds.append(f"round {rnd}: {len(missing)} lines lost, got {got}, want {want}")
    assert lost_rounds == [], f"{len(lost_rounds)} of {ROUNDS} rounds lost items: {lost_rounds[:3]}"


def test_merged_lines_carry_catalog_prices(admin: Conn, shop: Shop) -> None:
    """Clients sent price 1 for every item above; every stored line has the catalog price."""
    rows = admin.execute(
        "SELECT l ->> 'id' AS id, l -> 'price' AS price, l ->> 'name' AS name FROM store_carts c,"
        " jsonb_array_elements(c.items) l WHERE c.tenant_id = %s",
        [shop.tenant],
    ).fetchall()
    admin.commit()
    assert rows, "the race tests above wrote no carts"
    by_id = {str(pid): Decimal(price) for pid, price in shop.price.items()}
    wrong = [r for r in rows if Decimal(str(r["price"])) != by_id[r["id"]]]
    assert wrong == []
    assert {r["name"] for r in rows} <= {f"Product {i}" for i in range(1, 21)}
