"""Typed calls over the cart functions: login merge, read, add, set, remove, clear.

Each call runs in the caller's transaction on ``conn`` (which the caller commits) and
acts as the session's identity: set the JWT claims and role first (as the HTTP layer
does), or use a direct connection, which counts as the platform and must name
``customer_id``. Business errors raise :mod:`vete.errors` classes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from psycopg.types.json import Jsonb

from vete.db.work import Work, blocking
from vete.store._calls import call_work
from vete.store.models import Cart, ItemType, MergePolicy


def merge_cart_work(
    *,
    tenant_id: str,
    customer_id: uuid.UUID,
    items: Sequence[Mapping[str, Any]],
    policy: MergePolicy = "max",
) -> Work[Cart]:
    """Fold a device's items into the account cart (``merge_cart_atomic``)."""
    result = yield from call_work(
        "merge_cart_atomic",
        customer_id=customer_id,
        tenant_id=tenant_id,
        new_items=Jsonb(list(items)),
        policy=policy,
    )
    return Cart.from_json(result)


def get_cart_work(*, tenant_id: str, customer_id: uuid.UUID | None = None) -> Work[Cart]:
    """The customer's cart in a clinic; empty when they have none yet."""
    return Cart.from_json(
        (yield from call_work("get_cart", tenant_id=tenant_id, customer_id=customer_id))
    )


def add_item_work(
    *,
    tenant_id: str,
    item: Mapping[str, Any],
    customer_id: uuid.UUID | None = None,
) -> Work[Cart]:
    """Add ``item["quantity"]`` units of one line; concurrent adds all count."""
    result = yield from call_work(
        "add_cart_item",
        tenant_id=tenant_id,
        item=Jsonb(dict(item)),
        customer_id=customer_id,
    )
    return Cart.from_json(result)


def set_quantity_work(
    *,
    tenant_id: str,
    item_id: str,
    item_type: ItemType,
    quantity: int,
    customer_id: uuid.UUID | None = None,
) -> Work[Cart]:
    """Set one line's quantity (0 removes it; a missing line is added)."""
    result = yield from call_work(
        "set_cart_item_quantity",
        tenant_id=tenant_id,
        item_id=item_id,
        item_type=item_type,
        quantity=quantity,
        customer_id=customer_id,
    )
    return Cart.from_json(result)


def remove_item_work(
    *,
    tenant_id: str,
    item_id: str,
    item_type: ItemType,
    customer_id: uuid.UUID | None = None,
) -> Work[Cart]:
    """Remove one line; ``Cart.removed`` says whether it was there."""
    result = yield from call_work(
        "remove_cart_item",
        tenant_id=tenant_id,
        item_id=item_id,
        item_type=item_type,
        customer_id=customer_id,
    )
    return Cart.from_json(result)


def clear_cart_work(*, tenant_id: str, customer_id: uuid.UUID | None = None) -> Work[Cart]:
    """Empty the cart."""
    return Cart.from_json(
        (yield from call_work("clear_cart", tenant_id=tenant_id, customer_id=customer_id))
    )


merge_cart = blocking(merge_cart_work)
get_cart = blocking(get_cart_work)
add_item = blocking(add_item_work)
set_quantity = blocking(set_quantity_work)
remove_item = blocking(remove_item_work)
clear_cart = blocking(clear_cart_work)
