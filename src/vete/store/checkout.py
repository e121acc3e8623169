"""Typed call over checkout: one transaction from cart to order, idempotent by key."""

from __future__ import annotations

import uuid

from vete.db.work import Work, blocking
from vete.store._calls import call_work
from vete.store.models import Order


def checkout_work(
    *,
    tenant_id: str,
    idempotency_key: str,
    customer_id: uuid.UUID | None = None,
) -> Work[Order]:
    """Place an order from the cart; a retry with the same key returns the same order.

    Raises :class:`~vete.errors.OutOfStock` when a line has fewer units left than asked,
    :class:`~vete.errors.NotFound` when a line can no longer be sold and
    :class:`~vete.errors.Conflict` (``CART_EMPTY``) for an empty cart; nothing is written
    then. Runs in the caller's transaction, which the caller commits.
    """
    result = yield from call_work(
        "checkout_cart",
        tenant_id=tenant_id,
        idempotency_key=idempotency_key,
        customer_id=customer_id,
    )
    return Order.from_json(result)


checkout = blocking(checkout_work)
