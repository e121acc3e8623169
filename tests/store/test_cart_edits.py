"""Cart edits from several devices at once never lose an update: the cart equals a model."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.store.conftest import Clients, Conn, Shop, make_shop
from vete import store
from vete.session import act_as

DEVICES = 4
ROUNDS = 60


@pytest.fixture(scope="module")
def shop(admin: Conn) -> Shop:
    return make_shop(admin, "edits", customers=6, products=6)


@dataclass(frozen=True)
class Edit:
    """One cart edit: add / set / remove / clear of a product line."""

    kind: str
    product: str = ""
    quantity: int = 0

    def run(self, conn: Conn, tenant: str, customer: uuid.UUID) -> store.Cart:
        with conn.transaction():
            act_as(conn, user_id=customer, role="authenticated")
            if self.kind == "add":
                line = {"id": self.product, "type": "product", "quantity": self.quantity}
                return store.add_item(conn, tenant_id=tenant, item=line)
            if self.kind == "set":
                return store.set_quantity(
                    conn,
                    tenant_id=tenant,
                    item_id=self.product,
                    item_type="product",
                    quantity=self.quantity,
                )
            if self.kind == "remove":
                return store.remove_item(
                    conn, tenant_id=tenant, item_id=self.product, item_type="product"
                )
            return store.clear_cart(conn, tenant_id=tenant)

    def apply(self, model: dict[str, int]) -> None:
        """What the edit does to the model cart (a dict keeps line order as the cart does)."""
        if self.kind == "add":
            model[self.product] = min(model.get(self.product, 0) + self.quantity, 100)
        elif self.kind == "set" and self.quantity > 0:
            model[self.product] = self.quantity
        elif self.kind in {"set", "remove"}:
            model.pop(self.product, None)
        else:
            model.clear()


def random_edit(rng: random.Random, products: list[str]) -> Edit:
    kind = rng.choices(["add", "set", "remove", "clear"], weights=[5, 3, 2, 0.3])[0]
    product = rng.choice(products)
    if kind == "add":
        return Edit(kind, product, rng.randint(1, 30))
    if kind == "set":
        return Edit(kind, product, rng.randint(0, 40))
    return Edit(kind, product)


def lines(cart: store.Cart) -> list[tuple[str, int]]:
    return [(line.id, line.quantity) for line in cart.lines]


def test_each_edit_does_what_it_says(admin: Conn, shop: Shop) -> None:
    customer, (a, b) = shop.customers[0], [str(p) for p in shop.products[:2]]

    def do(edit: Edit) -> store.Cart:
        return edit.run(admin, shop.tenant, customer)

    assert lines(do(Edit("add", a, 2))) == [(a, 2)]
    assert lines(do(Edit("add", a, 3))) == [(a, 5)]
    assert lines(do(Edit("set", b, 4))) == [(a, 5), (b, 4)]
    assert lines(do(Edit("set", a, 1))) == [(a, 1), (b, 4)]
    assert lines(do(Edit("set", a, 0))) == [(b, 4)]
    removed = do(Edit("remove", b))
    assert (lines(removed), removed.removed) == ([], True)
    assert do(Edit("remove", b)).removed is False
    do(Edit("add", a, 1))
    cleared = do(Edit("clear"))
    assert (cleared.lines, cleared.version) == ((), 9)  # nine writes, nine versions


@pytest.mark.parametrize("seed", [1, 2])
def test_concurrent_edits_match_the_model(
    admin: Conn, shop: Shop, clients: Callable[[int], Clients], seed: int
) -> None:
    rng = random.Random(seed)
    customer = shop.customers[seed]
    products = [str(p) for p in shop.products]
    pool = clients(DEVICES)
    done: list[tuple[int, Edit, list[tuple[str, int]]]] = []
    for _ in range(ROUNDS):
        edits = [random_edit(rng, products) for _ in range(DEVICES)]

        def work(edit: Edit) -> Callable[[Conn], store.Cart]:
            return lambda conn: edit.run(conn, shop.tenant, customer)

        for edit, cart in zip(edits, pool.run([work(e) for e in edits]), strict=True):
            done.append((cart.version, edit, lines(cart)))

    # The cart row lock orders the edits; versions number them. Replaying them in that
    # order on the model must give, after each edit, exactly what that edit returned.
    done.sort(key=lambda d: d[0])
    assert [d[0] for d in done] == list(range(1, DEVICES * ROUNDS + 1)), "an edit was lost"
    model: dict[str, int] = {}
    for version, edit, returned in done:
        edit.apply(model)
        assert returned == list(model.items()), (version, edit)
    final: Any = admin.execute(
        "SELECT items, version FROM store_carts WHERE tenant_id = %s AND customer_id = %s",
        [shop.tenant, customer],
    ).fetchone()
    admin.commit()
    assert [(line["id"], line["quantity"]) for line in final["items"]] == list(model.items())
    assert final["version"] == DEVICES * ROUNDS
