"""The shop pages: products, the cart (on this device until sign-in), checkout."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vete import store
from vete.api import reads
from vete.api.deps import ConnDep, CurrentUser, MaybeUser, StateDep, TenantId, counted
from vete.web.pages import DEVICE_CART, _device_cart
from vete.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/c/{tenant_id}/shop")
def shop(tenant_id: TenantId, request: Request, _: MaybeUser, conn: ConnDep) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    return render(
        request, "shop.html", clinic=clinic, products=reads.products(conn, tenant_id=tenant_id)
    )


@router.post("/c/{tenant_id}/cart/add")
def add(
    tenant_id: TenantId,
    request: Request,
    user: MaybeUser,
    conn: ConnDep,
    product_id: Annotated[uuid.UUID, Form()],
    quantity: Annotated[int, Form(ge=1, le=100)] = 1,
) -> Response:
    """Signed in: the account's cart. Anonymous: this device's cart (a cookie)."""
    response = RedirectResponse(f"/c/{tenant_id}/cart", status_code=303)
    item = {"id": str(product_id), "type": "product", "quantity": quantity}
    if user.user_id:
        store.add_item(conn, tenant_id=tenant_id, item=item)
        return response
    device = _device_cart(request)
    lines = device.setdefault(tenant_id, [])
    for line in lines:
        if line.get("id") == item["id"]:
            line["quantity"] = min(100, int(line.get("quantity", 0)) + quantity)
            break
    else:
        lines.append(item)
    response.set_cookie(DEVICE_CART, json.dumps(device), samesite="lax", path="/")
    return response


@router.get("/c/{tenant_id}/cart")
def cart(tenant_id: TenantId, request: Request, user: MaybeUser, conn: ConnDep) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    if user.user_id:
        return render(
            request,
            "cart.html",
            clinic=clinic,
            cart=store.get_cart(conn, tenant_id=tenant_id),
            device_lines=None,
            request_key=str(uuid.uuid4()),
        )
    names = {str(p.id): p for p in reads.products(conn, tenant_id=tenant_id)}
    lines: list[dict[str, Any]] = [
        {"product": names[line["id"]], "quantity": line["quantity"]}
        for line in _device_cart(request).get(tenant_id, [])
        if line.get("id") in names
    ]
    return render(request, "cart.html", clinic=clinic, cart=None, device_lines=lines)


@router.post("/c/{tenant_id}/cart/set")
def set_line(
    tenant_id: TenantId,
    _: CurrentUser,
    conn: ConnDep,
    item_id: Annotated[str, Form(max_length=200)],
    quantity: Annotated[int, Form(ge=0, le=100)],
) -> Response:
    store.set_quantity(
        conn, tenant_id=tenant_id, item_id=item_id, item_type="product", quantity=quantity
    )
    return RedirectResponse(f"/c/{tenant_id}/cart", status_code=303)


@router.post("/c/{tenant_id}/checkout")
def checkout(
    tenant_id: TenantId,
    request: Request,
    _: CurrentUser,
    conn: ConnDep,
    state: StateDep,
    request_key: Annotated[str, Form(min_length=1, max_length=200)],
) -> Response:
    clinic = reads.require_clinic(conn, tenant_id=tenant_id)
    with counted(state.metrics.checkouts):
        order = store.checkout(conn, tenant_id=tenant_id, idempotency_key=request_key)
    return render(request, "order.html", clinic=clinic, order=order)
