"""The cart (get, add, set, remove, merge at sign-in) and checkout."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, status

from vete import store
from vete.api.deps import TenantId, UserDb, counted
from vete.api.schemas import CartItem, ItemType, MergeRequest, QuantityRequest

router = APIRouter(prefix="/api/clinics/{tenant_id}", tags=["cart"])

ItemId = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("/cart")
async def get_cart(tenant_id: TenantId, db: UserDb) -> store.Cart:
    """The caller's cart in the clinic (empty when there is none yet)."""
    return await db.run(store.get_cart_work(tenant_id=tenant_id))


@router.post("/cart/items")
async def add_item(tenant_id: TenantId, item: CartItem, db: UserDb) -> store.Cart:
    """Add units of one line; the price always comes from the catalog."""
    return await db.run(store.add_item_work(tenant_id=tenant_id, item=item.model_dump()))


@router.put("/cart/items/{item_type}/{item_id}")
async def set_quantity(
    tenant_id: TenantId,
    item_type: ItemType,
    item_id: ItemId,
    body: QuantityRequest,
    db: UserDb,
) -> store.Cart:
    """Set one line's quantity (0 removes it; a missing line is added)."""
    return await db.run(
        store.set_quantity_work(
            tenant_id=tenant_id,
            item_id=item_id,
            item_type=item_type,
            quantity=body.quantity,
        )
    )


@router.delete("/cart/items/{item_type}/{item_id}")
async def remove_item(
    tenant_id: TenantId, item_type: ItemType, item_id: ItemId, db: UserDb
) -> store.Cart:
    """Remove one line (``removed`` says whether it was there)."""
    return await db.run(
        store.remove_item_work(tenant_id=tenant_id, item_id=item_id, item_type=item_type)
    )


@router.post("/cart/merge")
async def merge(
    tenant_id: TenantId,
    body: MergeRequest,
    db: UserDb,
) -> store.Cart:
    """Merge a device's cart into the account's (at sign-in); nothing is lost."""
    assert db.identity.user_id is not None  # UserDb always has a sub
    with counted(db.state.metrics.cart_merges):
        return await db.run(
            store.merge_cart_work(
                tenant_id=tenant_id,
                customer_id=db.identity.user_id,
                items=body.items,
                policy=body.policy,
            )
        )


@router.post("/checkout", status_code=status.HTTP_201_CREATED)
async def checkout(
    tenant_id: TenantId,
    db: UserDb,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="A retry with the same key returns the same order (replayed: true).",
        ),
    ] = None,
) -> store.Order:
    """Place an order from the cart: stock is decremented atomically, never below zero."""
    with counted(db.state.metrics.checkouts):
        return await db.run(
            store.checkout_work(
                tenant_id=tenant_id,
                idempotency_key=idempotency_key or str(uuid.uuid4()),
            )
        )
