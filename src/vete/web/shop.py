"""The shop pages: products, the cart (on this device until sign-in), checkout."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vete import reads, store
from vete.api.deps import PublicDb, TenantId, UserDb, counted
from vete.db.work import Work
from vete.web import device_cart
from vete.web.device_cart import MAX_QUANTITY
from vete.web.render import Notice, keep_notice, render

router = APIRouter(include_in_schema=False)

#: What the page says about a line the store changed (the merge's ``adjustments``), by its
#: first reason that a shopper of this page can meet; a price taken from the catalog is
#: not news here (the pages never send one).
_ADJUSTED = (
    ("OUT_OF_STOCK", "out_of_stock"),
    ("UNAVAILABLE", "dropped"),
    ("CART_LINE_LIMIT", "dropped"),
    ("STOCK_LIMIT", "stock_limit"),
    ("LINE_MAX", "line_max"),
)


def adjustment_notices(
    adjustments: Iterable[store.Adjustment], names: Mapping[str, str]
) -> list[Notice]:
    """One notice per line the store reduced or dropped, naming the product."""
    notices: list[Notice] = []
    for adjusted in adjustments:
        key = next((key for reason, key in _ADJUSTED if reason in adjusted.reasons), None)
        if key is not None:
            values = {
                "name": names.get(adjusted.id, ""),
                "requested": adjusted.requested_quantity,
                "quantity": adjusted.quantity,
            }
            notices.append((key, values))
    return notices


@router.get("/c/{tenant_id}/shop")
async def shop(tenant_id: TenantId, request: Request, db: PublicDb) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        return {"clinic": clinic, "products": (yield from reads.products_work(tenant_id=tenant_id))}

    return render(request, "shop.html", **await db.run(page()))


@router.post("/c/{tenant_id}/cart/add")
async def add(
    tenant_id: TenantId,
    request: Request,
    db: PublicDb,
    product_id: Annotated[uuid.UUID, Form()],
    quantity: Annotated[int, Form(ge=1, le=MAX_QUANTITY)] = 1,
) -> Response:
    """Signed in: the account's cart. Anonymous: this device's cart (a cookie)."""
    response = RedirectResponse(f"/c/{tenant_id}/cart", status_code=303)
    item = {"id": str(product_id), "type": "product", "quantity": quantity}
    if db.identity.user_id:

        def add_and_name() -> Work[tuple[store.Cart, dict[str, str]]]:
            cart = yield from store.add_item_work(tenant_id=tenant_id, item=item)
            on_sale = yield from reads.products_work(tenant_id=tenant_id)
            return cart, {str(p.id): p.name for p in on_sale}

        cart, names = await db.run(add_and_name())
        keep_notice(response, *adjustment_notices(cart.adjustments, names))
        return response
    device = device_cart.read(request)
    lines = device.lines.get(tenant_id, [])
    for line in lines:
        if line["id"] == item["id"]:
            line["quantity"] = min(MAX_QUANTITY, line["quantity"] + quantity)
            break
    else:
        lines.append(item)
    device.set_lines(tenant_id, lines)
    device_cart.write(response, device)
    if device.dropped:
        keep_notice(response, ("device_cart_dropped", {"n": device.dropped}))
    return response


@router.get("/c/{tenant_id}/cart")
async def cart(tenant_id: TenantId, request: Request, db: PublicDb) -> Response:
    signed_in = db.identity.user_id is not None

    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        if signed_in:
            return {"clinic": clinic, "cart": (yield from store.get_cart_work(tenant_id=tenant_id))}
        return {"clinic": clinic, "products": (yield from reads.products_work(tenant_id=tenant_id))}

    found = await db.run(page())
    if signed_in:
        return render(
            request,
            "cart.html",
            clinic=found["clinic"],
            cart=found["cart"],
            device_lines=None,
            request_key=str(uuid.uuid4()),
        )
    names = {str(p.id): p for p in found["products"]}
    device = device_cart.read(request)
    device.keep_only(tenant_id, set(names))
    lines: list[dict[str, Any]] = [
        {"product": names[line["id"]], "quantity": line["quantity"]}
        for line in device.lines.get(tenant_id, [])
    ]
    response = render(
        request,
        "cart.html",
        notices=[("device_cart_dropped", {"n": device.dropped})] if device.dropped else None,
        clinic=found["clinic"],
        cart=None,
        device_lines=lines,
    )
    if device.dropped:  # what could not be read is said once, then gone from the device
        device_cart.write(response, device)
    return response


@router.post("/c/{tenant_id}/cart/set")
async def set_line(
    tenant_id: TenantId,
    db: UserDb,
    item_id: Annotated[uuid.UUID, Form()],
    quantity: Annotated[int, Form(ge=0, le=MAX_QUANTITY)],
) -> Response:
    await db.run(
        store.set_quantity_work(
            tenant_id=tenant_id, item_id=str(item_id), item_type="product", quantity=quantity
        )
    )
    return RedirectResponse(f"/c/{tenant_id}/cart", status_code=303)


@router.post("/c/{tenant_id}/checkout")
async def checkout(
    tenant_id: TenantId,
    request: Request,
    db: UserDb,
    request_key: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    def page() -> Work[dict[str, Any]]:
        clinic = yield from reads.require_clinic_work(tenant_id=tenant_id)
        with counted(db.state.metrics.checkouts):
            order = yield from store.checkout_work(tenant_id=tenant_id, idempotency_key=request_key)
        return {"clinic": clinic, "order": order}

    return render(request, "order.html", **await db.run(page()))
