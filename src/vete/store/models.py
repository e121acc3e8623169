"""Frozen dataclasses for what the store's SQL functions return: carts and orders."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

ItemType = Literal["product", "service"]
MergePolicy = Literal["max", "sum"]


#: Money is numeric(12, 2) in every table: two decimals, whatever the JSON carried.
CENTS = Decimal("0.01")


def _money(value: Any) -> Decimal:
    # JSON numbers arrive as float or int (185000.0, 0); str() keeps the decimal digits
    # PostgreSQL sent, and the quantize gives every amount the columns' two decimals, so
    # the API writes one format everywhere ("185000.00", "0.00"; docs/api.md).
    return Decimal(str(value)).quantize(CENTS)


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of a cart, priced from the catalog: the five keys a line is made of.

    The database stores nothing else since migration 015; any other key on a line stored
    before it is not read.
    """

    id: str
    type: ItemType
    name: str
    price: Decimal
    quantity: int

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CartLine:
        return cls(
            id=str(data["id"]),
            type=data["type"],
            name=str(data["name"]),
            price=_money(data["price"]),
            quantity=int(data["quantity"]),
        )


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A line the database changed from what was asked: clamped, dropped or re-priced."""

    id: str
    type: str
    requested_quantity: int
    quantity: int
    reasons: tuple[str, ...]
    price: Decimal | None
    client_price: Any

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Adjustment:
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            requested_quantity=int(data["requested_quantity"]),
            quantity=int(data["quantity"]),
            reasons=tuple(data["reasons"]),
            price=None if data.get("price") is None else _money(data["price"]),
            client_price=data.get("client_price"),
        )


@dataclass(frozen=True, slots=True)
class Cart:
    """A customer's cart in one clinic after a read or a write."""

    lines: tuple[CartLine, ...]
    item_count: int
    total_quantity: int
    total: Decimal
    version: int
    cart_id: uuid.UUID | None
    adjustments: tuple[Adjustment, ...] = ()
    removed: bool | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cart:
        cart_id = data.get("cart_id")
        return cls(
            lines=tuple(CartLine.from_json(line) for line in data["items"]),
            item_count=int(data["item_count"]),
            total_quantity=int(data["total_quantity"]),
            total=_money(data["total"]),
            version=int(data["version"]),
            cart_id=uuid.UUID(cart_id) if cart_id else None,
            adjustments=tuple(Adjustment.from_json(a) for a in data.get("adjustments", ())),
            removed=data.get("removed"),
        )


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of a placed order, at the price charged."""

    id: str
    type: ItemType
    name: str
    price: Decimal
    quantity: int
    line_total: Decimal

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OrderLine:
        return cls(
            id=str(data["id"]),
            type=data["type"],
            name=str(data["name"]),
            price=_money(data["price"]),
            quantity=int(data["quantity"]),
            line_total=_money(data["line_total"]),
        )


@dataclass(frozen=True, slots=True)
class Order:
    """An order placed by checkout; replayed is true when a retry found it."""

    order_id: uuid.UUID
    status: str
    total: Decimal
    item_count: int
    idempotency_key: str
    created_at: datetime
    replayed: bool
    lines: tuple[OrderLine, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Order:
        return cls(
            order_id=uuid.UUID(data["order_id"]),
            status=str(data["status"]),
            total=_money(data["total"]),
            item_count=int(data["item_count"]),
            idempotency_key=str(data["idempotency_key"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            replayed=bool(data["replayed"]),
            lines=tuple(OrderLine.from_json(line) for line in data["items"]),
        )
