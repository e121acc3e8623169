"""As a new user would, in headless Chromium (Debian's, through Playwright): book an
appointment, reschedule it, cancel it; fill a cart before signing in, sign in (the cart
merges), check out; the staff day view. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import clock
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, SECRET
from vete import booking
from vete.api import mint_token
from vete.db import connect
from vete.web.device_cart import DEVICE_CART

pytestmark = pytest.mark.browser


def tuesday_in_two_weeks() -> date:
    today = clock.today(ZoneInfo("America/Asuncion"))
    return today + timedelta(days=((2 - today.isoweekday()) % 7 or 7) + 7)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        # CI installs Debian's chromium (.ci/run) and must run these; a developer's machine
        # without it (no root to apt-get install) sees them reported as skipped.
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1100, "height": 800}


@contextmanager
def open_page(browser: Browser, base_url: str, **options: Any) -> Iterator[Page]:
    """A page in a fresh context; on leaving, no console message may report a refusal
    by the pages' content security policy (the headers say what the pages really use)."""
    context = browser.new_context(
        base_url=base_url, **{"viewport": DESKTOP, "locale": "es-PY", **options}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    yield page
    context.close()
    refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not refused, refused


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    with open_page(browser, base_url) as p:
        yield p


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def appointment_rows(url: str, owner_email: str) -> list[tuple[str, str]]:
    """Independent read: (status, start) of the owner's appointments."""
    with psycopg.connect(url) as conn:
        return [
            (str(status), start.isoformat())
            for status, start in conn.execute(
                "SELECT a.status, a.start_time FROM appointments a"
                " JOIN pets p ON p.tenant_id = a.tenant_id AND p.id = a.pet_id"
                " JOIN profiles o ON o.tenant_id = p.tenant_id AND o.id = p.owner_id"
                " WHERE o.email = %s ORDER BY a.created_at",
                [owner_email],
            )
        ]


def test_book_reschedule_cancel(page: Page, demo_url: str) -> None:
    day = tuesday_in_two_weeks().isoformat()
    page.goto("/")
    shot(page, "01-home")
    page.get_by_role("link", name="Clínica Veterinaria Adris").click()
    page.get_by_role("link", name="Reservar turno").first.click()
    page.get_by_label("Servicio").select_option(label="Consulta general (30 min)")
    page.get_by_label("Día").fill(day)
    page.get_by_role("button", name="Ver horarios libres").click()
    expect(page.get_by_text("Ingresá para reservar.")).to_be_visible()
    page.get_by_role("link", name="Ingresá para reservar.").click()
    shot(page, "02-demo-sign-in")
    page.locator("button[data-email='maria@demo.vete']").click()
    # Back on the booking page, signed in: choose again and book the first free slot.
    page.get_by_label("Servicio").select_option(label="Consulta general (30 min)")
    page.get_by_label("Día").fill(day)
    page.get_by_role("button", name="Ver horarios libres").click()
    shot(page, "03-free-slots")
    first_slot = page.locator("ul.slots button.slot").first
    first_slot.click()
    expect(page.get_by_role("status")).to_have_text("Turno reservado")
    shot(page, "04-my-appointments")
    rows = appointment_rows(demo_url, "maria@demo.vete")
    assert [s for s, _ in rows] == ["scheduled"]
    booked_start = rows[0][1]

    page.get_by_role("link", name="Reprogramar").click()
    page.get_by_label("Día").fill(day)
    page.get_by_role("button", name="Ver horarios libres").click()
    shot(page, "05-reschedule")
    page.locator("ul.slots button.slot").nth(3).click()
    expect(page.locator("tr[data-status='scheduled']")).to_have_count(1)
    rows = appointment_rows(demo_url, "maria@demo.vete")
    assert len(rows) == 1
    assert rows[0][1] != booked_start  # moved in place: same row, new time

    page.get_by_role("button", name="Cancelar").click()
    expect(page.locator("tr[data-status='cancelled']")).to_have_count(1)
    shot(page, "06-cancelled")
    assert [s for s, _ in appointment_rows(demo_url, "maria@demo.vete")] == ["cancelled"]


def test_fill_cart_sign_in_merge_and_check_out(page: Page, demo_url: str) -> None:
    page.goto("/c/adris/shop?lang=en")
    shot(page, "07-shop")
    page.locator("tr[data-sku='PIPETA-PERRO-M'] input[name=quantity]").fill("2")
    page.locator("tr[data-sku='PIPETA-PERRO-M']").get_by_role("button", name="Add").click()
    expect(page.get_by_text("kept on this device")).to_be_visible()
    shot(page, "08-device-cart")
    page.get_by_role("link", name="Sign in").last.click()
    page.locator("button[data-email='jorge@demo.vete']").click()
    # Signed in: the device's cart was merged into Jorge's account cart.
    expect(page.locator("tbody tr")).to_have_count(1)
    page.goto("/c/adris/shop")
    page.locator("tr[data-sku='DESPARASITANTE']").get_by_role("button", name="Add").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    shot(page, "09-cart")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Order placed")).to_be_visible()
    shot(page, "10-order")
    with psycopg.connect(demo_url) as conn:
        orders = conn.execute(
            "SELECT o.total, o.item_count, c.items FROM store_orders o"
            " JOIN profiles p ON p.tenant_id = o.tenant_id AND p.id = o.customer_id"
            " JOIN store_carts c ON c.tenant_id = o.tenant_id AND c.customer_id = o.customer_id"
            " WHERE p.email = 'jorge@demo.vete'"
        ).fetchall()
    assert len(orders) == 1
    total, item_count, cart_after = orders[0]
    assert (float(total), item_count, cart_after) == (2 * 65000 + 35000, 2, [])


def test_staff_day_view(page: Page, demo_url: str) -> None:
    day = tuesday_in_two_weeks()
    with connect(demo_url) as conn:  # the platform books Toby with Lucía, for the view
        booking.book(
            conn,
            tenant_id="adris",
            pet_id=UUID("c0000000-0000-4000-8000-000000000003"),
            service_id=UUID("e0000000-0000-4000-8000-000000000002"),
            vet_id=UUID("a0000000-0000-4000-8000-000000000003"),
            start=datetime(day.year, day.month, day.day, 10, 0),
        )
        conn.commit()
    page.goto("/login?next=/c/adris/day&lang=es")
    page.locator("button[data-email='ana@demo.vete']").click()
    expect(
        page.get_by_role("heading", name="Agenda del día — Clínica Veterinaria Adris")
    ).to_be_visible()
    page.get_by_label("Día").fill(tuesday_in_two_weeks().isoformat())
    page.get_by_role("button", name="Actualizar").click()
    row = page.locator("tbody tr", has_text="Toby")
    row.get_by_role("button", name="Confirmar").click()
    expect(page.locator("tbody tr", has_text="Toby").locator(".status")).to_have_text("confirmado")
    shot(page, "11-staff-day")


@pytest.mark.parametrize(
    ("lang", "viewport", "name"),
    [("es", DESKTOP, "12-sign-in"), ("en", PHONE, "13-sign-in-phone-en")],
)
def test_without_demo_a_person_signs_in_with_an_access_token(
    browser: Browser, base_url_without_demo: str, lang: str, viewport: dict[str, int], name: str
) -> None:
    with open_page(browser, base_url_without_demo, viewport=viewport) as page:
        page.goto(f"/login?next=/c/adris/appointments&lang={lang}")
        expect(page.locator("button[data-email]")).to_have_count(0)
        shot(page, name)
        label = "Token de acceso" if lang == "es" else "Access token"
        page.get_by_label(label).fill("not-a-token")
        page.get_by_role("button", name="Ingresar" if lang == "es" else "Sign in").last.click()
        expect(page.get_by_role("alert")).to_be_visible()
        maria = UUID("a0000000-0000-4000-8000-000000000004")
        page.get_by_label(label).fill(mint_token(SECRET, user_id=maria))
        page.get_by_role("button", name="Ingresar" if lang == "es" else "Sign in").last.click()
        expect(page).to_have_url(base_url_without_demo + "/c/adris/appointments")
        expect(
            page.get_by_role("button", name="Salir" if lang == "es" else "Sign out")
        ).to_be_visible()


@pytest.mark.parametrize(
    ("lang", "viewport", "name"),
    [("es", PHONE, "14-device-cart-notice-phone"), ("en", DESKTOP, "15-device-cart-notice-en")],
)
def test_a_device_cart_with_bad_lines_says_so_once(
    browser: Browser, base_url: str, demo_url: str, lang: str, viewport: dict[str, int], name: str
) -> None:
    with psycopg.connect(demo_url) as conn:
        row = conn.execute(
            "SELECT id::text FROM store_products WHERE sku = 'PIPETA-PERRO-M'"
        ).fetchone()
    assert row is not None
    cart = {"adris": [{"id": row[0], "type": "product", "quantity": 2}, {"id": "junk"}, 7]}
    with open_page(browser, base_url, viewport=viewport) as page:
        page.context.add_cookies(
            [{"name": DEVICE_CART, "value": json.dumps(cart), "url": base_url}]
        )
        page.goto(f"/c/adris/cart?lang={lang}")
        expect(page.locator("[data-flash]")).to_contain_text("2")
        expect(page.locator("tbody tr")).to_have_count(1)
        shot(page, name)
        page.reload()
        expect(page.locator("[data-flash]")).to_have_count(0)
