"""Signing in to the pages and out again.

Two ways in, both ending in the same httpOnly session cookie (``Secure`` under https):

- an access token (a JWT as Supabase Auth issues it, the API's ``Bearer`` token), pasted
  into the sign-in page: the real way, always offered;
- the demo sign-in (a demo user, no password), only when the server was started with
  ``vete serve --demo``. A demo user is recognised by the demo dataset's fixed ids
  (:data:`DEMO_USER_IDS`, which only ``vete demo`` writes) together with its demo email,
  never by an email alone, which any profile may carry.

Signing in merges this device's cart into the account's; a device cart that cannot be
read or merged never blocks it (the lines are dropped, the page says so, the cookie goes).
Signing out records the token as signed out (:mod:`vete.api.tokens`), so a copy of the
cookie is refused by the pages and the API alike.
"""

from __future__ import annotations

import time
import unicodedata
from typing import Annotated
from urllib.parse import unquote, urlsplit
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from vete import reads, store
from vete.api.auth import Identity, mint_token
from vete.api.deps import SESSION_COOKIE, AppState, Db, StateDep, counted, server_transaction
from vete.api.tokens import revoke_work
from vete.db.work import Work, arun
from vete.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from vete.web import device_cart
from vete.web.render import Notice, keep_notice, render
from vete.web.shop import adjustment_notices

router = APIRouter(include_in_schema=False)
TOKEN_TTL_S = 8 * 3600
#: The demo sign-in reads the demo users and looks one up by email as the platform.
PLATFORM = Identity(user_id=None, role="service_role", claims={})
#: The demo dataset's users (src/vete/demo.sql), the only ones the demo sign-in takes
#: (tests/web/test_sign_in.py checks this list against the loaded demo).
DEMO_USER_IDS: frozenset[UUID] = frozenset(
    UUID(text)
    for text in (
        "a0000000-0000-4000-8000-000000000001",  # ana (admin, adris)
        "a0000000-0000-4000-8000-000000000002",  # carlos (vet, adris)
        "a0000000-0000-4000-8000-000000000003",  # lucia (vet, adris and retiro)
        "a0000000-0000-4000-8000-000000000004",  # maria (owner, adris)
        "a0000000-0000-4000-8000-000000000005",  # jorge (owner, adris)
        "b0000000-0000-4000-8000-000000000001",  # elena (admin, retiro)
        "b0000000-0000-4000-8000-000000000002",  # pablo (vet, retiro)
        "b0000000-0000-4000-8000-000000000004",  # sofia (owner, retiro)
    )
)


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else ``/``: never a way off-site.

    Browsers treat ``//host``, ``/\\host`` and such with tabs or newlines removed as
    another site, and some servers decode ``%2F`` before routing: anything that is not a
    plain absolute path, before and after percent-decoding, goes home instead.
    """
    if not target:
        return "/"
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith("//") or "\\" in text:
            return "/"
        if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
            return "/"
        parts = urlsplit(text)
        if parts.scheme or parts.netloc:
            return "/"
    return target


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _login_page(
    request: Request, state: AppState, next: str, status: int = 200, error: str | None = None
) -> Response:
    users = []
    if state.demo_login:
        users = await Db(state, PLATFORM).run(reads.demo_logins_work(demo_ids=DEMO_USER_IDS))
    return render(
        request,
        "login.html",
        status=status,
        users=users,
        demo=state.demo_login,
        next=safe_next(next),
        error=error,
        on_sign_in=True,
    )


@router.get("/login")
async def login_page(request: Request, state: StateDep, next: str = "/") -> Response:
    return await _login_page(request, state, next)


async def _signed_in(request: Request, state: AppState, token: str, next: str) -> Response:
    """The session cookie for ``token``, with this device's cart merged into the account's."""
    identity = state.verifier.verify(token)
    assert identity.user_id is not None
    user_id = identity.user_id
    device = device_cart.read(request)

    def merge_device_cart() -> Work[list[Notice]]:
        notices: list[Notice] = []
        member_of = {m.tenant_id for m in (yield from reads.my_memberships_work())}
        for tenant_id in list(device.lines):
            if tenant_id not in member_of:
                continue
            on_sale = yield from reads.products_work(tenant_id=tenant_id)
            device.keep_only(tenant_id, {str(p.id) for p in on_sale})
            if tenant_id in device.lines:
                with counted(state.metrics.cart_merges):
                    cart = yield from store.merge_cart_work(
                        tenant_id=tenant_id, customer_id=user_id, items=device.lines[tenant_id]
                    )
                names = {str(p.id): p.name for p in on_sale}
                notices += adjustment_notices(cart.adjustments, names)
        return notices

    response = _see_other(safe_next(next))
    try:
        notices = await Db(state, identity).run(merge_device_cart())
    except (InvalidInput, NotFound, Conflict):  # the cart's own problem: not the sign-in's
        keep_notice(response, ("device_cart_not_merged", {}))
    else:
        if device.dropped:
            notices.insert(0, ("device_cart_dropped", {"n": device.dropped}))
        keep_notice(response, *notices)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max(1, int(float(identity.claims["exp"]) - time.time())),  # as long as the token
        httponly=True,
        samesite="lax",
        path="/",
        # Under https only (as uvicorn reports the scheme: behind a proxy, from
        # X-Forwarded-Proto only when it comes from --forwarded-allow-ips).
        secure=request.url.scheme == "https",
    )
    device_cart.clear(response)
    return response


@router.post("/login")
async def demo_login(
    request: Request,
    state: StateDep,
    email: Annotated[str, Form(max_length=320)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Demo sign-in (``vete serve --demo`` only): a token for a demo user, no password."""
    if not state.demo_login:
        raise Forbidden("the demo sign-in is off on this server", code="FORBIDDEN")
    user_id = await Db(state, PLATFORM).run(
        reads.demo_user_id_work(email=email, demo_ids=DEMO_USER_IDS)
    )
    if user_id is None:
        raise NotFound(f"no demo user {email!r}", code="NOT_FOUND")
    token = mint_token(state.secret, user_id=user_id, ttl_s=TOKEN_TTL_S)
    return await _signed_in(request, state, token, next)


@router.post("/login/token")
async def token_login(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form(max_length=8192)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Sign in with an access token (a user's JWT, as the API takes it)."""
    token = token.strip()
    try:
        identity = state.verifier.verify(token)
        if identity.role != "authenticated":
            raise Unauthenticated(f"a {identity.role} token is not a person's sign-in")
        return await _signed_in(request, state, token, next)
    except Unauthenticated as exc:
        return await _login_page(request, state, next, status=401, error=exc.message)


@router.post("/logout")
async def logout(request: Request, state: StateDep) -> Response:
    """Sign out: the token is refused from now on, wherever it is sent."""
    token = request.cookies.get(SESSION_COOKIE)
    identity: Identity | None = None
    if token:
        try:
            identity = state.verifier.verify(token)
        except Unauthenticated:
            identity = None  # expired or not ours: nothing left to refuse
    if identity is not None:
        async with server_transaction(state) as conn:
            await arun(conn, revoke_work(identity))
    response = _see_other("/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
