"""The cart an anonymous visitor keeps on this device: a cookie, read defensively.

The cookie is written by :func:`write` as ``{clinic: [{id, type, quantity}, ...]}``, but it
comes back from the browser, where anything may have been put in it. :func:`read` keeps
only the lines it can trust in that shape (a product id that is a uuid, a whole quantity
from 1 to :data:`MAX_QUANTITY`) and counts the rest as dropped; the pages say so and write
the cookie back without them, so one bad line never breaks a page or a sign-in.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response

from vete.api.deps import TENANT_PATTERN

DEVICE_CART = "vete_device_cart"
MAX_QUANTITY = 100
#: Lines kept per clinic (the store's merge takes at most 50 items in one call).
MAX_LINES = 50
_CLINIC = re.compile(TENANT_PATTERN)


@dataclass
class DeviceCart:
    """Lines by clinic, and how many lines (or clinic entries) could not be read."""

    lines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dropped: int = 0

    def keep_only(self, tenant_id: str, product_ids: set[str]) -> None:
        """Drop (and count) the clinic's lines whose product is not on sale there."""
        kept = [line for line in self.lines.get(tenant_id, []) if line["id"] in product_ids]
        self.dropped += len(self.lines.get(tenant_id, [])) - len(kept)
        self.set_lines(tenant_id, kept)

    def set_lines(self, tenant_id: str, lines: list[dict[str, Any]]) -> None:
        if lines:
            self.lines[tenant_id] = lines
        else:
            self.lines.pop(tenant_id, None)


def _line(value: Any) -> dict[str, Any] | None:
    """A line as :func:`write` writes it, or None."""
    if not isinstance(value, dict) or value.get("type") != "product":
        return None
    raw_id, quantity = value.get("id"), value.get("quantity")
    if not isinstance(raw_id, str) or type(quantity) is not int:  # bool is not a quantity
        return None
    try:
        product_id = str(uuid.UUID(raw_id))
    except ValueError:
        return None
    if not 1 <= quantity <= MAX_QUANTITY:
        return None
    return {"id": product_id, "type": "product", "quantity": quantity}


def read(request: Request) -> DeviceCart:
    """This device's cart, with the lines that cannot be read dropped and counted."""
    raw = request.cookies.get(DEVICE_CART)
    if not raw:
        return DeviceCart()
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return DeviceCart(dropped=1)
    if not isinstance(data, dict):
        return DeviceCart(dropped=1)
    cart = DeviceCart()
    for tenant_id, values in data.items():
        if not _CLINIC.match(tenant_id) or not isinstance(values, list):
            cart.dropped += len(values) if isinstance(values, list) else 1
            continue
        lines = [line for line in map(_line, values) if line is not None]
        cart.dropped += len(values) - len(lines)
        cart.dropped += max(0, len(lines) - MAX_LINES)
        cart.set_lines(tenant_id, lines[:MAX_LINES])
    return cart


def write(response: Response, cart: DeviceCart) -> None:
    """Keep ``cart`` on the device (or forget it when it is empty)."""
    if not cart.lines:
        clear(response)
        return
    response.set_cookie(DEVICE_CART, json.dumps(cart.lines), samesite="lax", path="/")


def clear(response: Response) -> None:
    """Forget this device's cart."""
    response.delete_cookie(DEVICE_CART, path="/")
