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

import psycopg
from psycopg.types.json import Jsonb

from vete.store._calls import call
from vete.store.models import Cart, ItemType, MergePolicy


def merge_cart(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    customer_id: uuid.UUID,
    items: Sequence[Mapping[str, Any]],
    policy: MergePolicy = "max",
) -> Cart:
    """Fold a device's items into the account cart (``merge_cart_atomic``)."""
    return Cart.from_json(
        call(
            conn,
            "merge_cart_atomic",
            customer_id=customer_id,
            tenant_id=tenant_id,
            new_items=Jsonb(list(items)),
            policy=policy,
        )
    )


def get_cart(
    conn: psycopg.Connection[Any], *, tenant_id: str, customer_id: uuid.UUID | None = None
) -> Cart:
    """The customer's cart in a clinic; empty when they have none yet."""
    return Cart.from_json(call(conn, "get_cart", tenant_id=tenant_id, customer_id=customer_id))


def add_item(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    item: Mapping[str, Any],
    customer_id: uuid.UUID | None = None,
) -> Cart:
    """Add ``item["quantity"]`` units of one line; concurrent adds all count."""
    return Cart.from_json(
        call(
            conn,
            "add_cart_item",
            tenant_id=tenant_id,
            item=Jsonb(dict(item)),
            customer_id=customer_id,
        )
    )


def set_quantity(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    item_id: str,
    item_type: ItemType,
    quantity: int,
    customer_id: uuid.UUID | None = None,
) -> Cart:
    """Set one line's quantity (0 removes it; a missing line is added)."""
    return Cart.from_json(
        call(
            conn,
            "set_cart_item_quantity",
            tenant_id=tenant_id,
            item_id=item_id,
            item_type=item_type,
            quantity=quantity,
            customer_id=customer_id,
        )
    )


def remove_item(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    item_id: str,
    item_type: ItemType,
    customer_id: uuid.UUID | None = None,
) -> Cart:
    """Remove one line; ``Cart.removed`` says whether it was there."""
    return Cart.from_json(
        call(
            conn,
            "remove_cart_item",
            tenant_id=tenant_id,
            item_id=item_id,
            item_type=item_type,
            customer_id=customer_id,
        )
    )


def clear_cart(
    conn: psycopg.Connection[Any], *, tenant_id: str, customer_id: uuid.UUID | None = None
) -> Cart:
    """Empty the cart."""
    return Cart.from_json(call(conn, "clear_cart", tenant_id=tenant_id, customer_id=customer_id))
