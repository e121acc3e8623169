"""Typed call over checkout: one transaction from cart to order, idempotent by key."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from vete.store._calls import call
from vete.store.models import Order


def checkout(
    conn: psycopg.Connection[Any],
    *,
    tenant_id: str,
    idempotency_key: str,
    customer_id: uuid.UUID | None = None,
) -> Order:
    """Place an order from the cart; a retry with the same key returns the same order.

    Raises :class:`~vete.errors.OutOfStock` when a line has fewer units left than asked,
    :class:`~vete.errors.NotFound` when a line can no longer be sold and
    :class:`~vete.errors.Conflict` (``CART_EMPTY``) for an empty cart; nothing is written
    then. Runs in the caller's transaction, which the caller commits.
    """
    return Order.from_json(
        call(
            conn,
            "checkout_cart",
            tenant_id=tenant_id,
            idempotency_key=idempotency_key,
            customer_id=customer_id,
        )
    )
