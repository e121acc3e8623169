"""As a new user would, in headless Chromium (Debian's, through Playwright), on a phone
(390x844) and a desktop (1280x860), in Spanish and in English: book an appointment after
signing in from the booking page, reschedule it on its own day, cancel it; fill a cart
before signing in, sign in (the cart merges, and the page says what the stock cut), check
out; the staff day view; a session that expired. Every page passes
:func:`tests.web.browser_checks.assert_fits_and_reads_well`; outcomes are checked by SQL.
Screenshots go to docs/img/ (``{lang}-{phone|desktop}-NN-name.png``)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import clock
from tests.web.browser_checks import assert_fits_and_reads_well
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, SECRET
from vete import booking
from vete.api import mint_token
from vete.api.deps import SESSION_COOKIE
from vete.db import connect
from vete.messages import CATALOG, Lang
from vete.web.device_cart import DEVICE_CART

pytestmark = pytest.mark.browser

ADRIS = ZoneInfo("America/Asuncion")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
#: Each journey once per language and width: (lang, viewport name, viewport).
MATRIX = [
    pytest.param("es", "phone", PHONE, id="es-phone"),
    pytest.param("en", "phone", PHONE, id="en-phone"),
    pytest.param("es", "desktop", DESKTOP, id="es-desktop"),
    pytest.param("en", "desktop", DESKTOP, id="en-desktop"),
]
BROWSER_LOCALE = {"es": "es-PY", "en": "en-US"}


def w(key: str, lang: Lang) -> str:
    """The catalog's words (what the page must show)."""
    return CATALOG[key][lang]


def tuesday(weeks: int) -> date:
    """A Tuesday ``weeks`` weeks ahead in Asunción (the demo vets work Monday to Friday)."""
    return clock.weekday_ahead(ADRIS, 2, weeks=weeks)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the whole session; each test opens its own context."""
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


@contextmanager
def open_page(
    browser: Browser, base_url: str, lang: Lang = "es", viewport: dict[str, int] = DESKTOP
) -> Iterator[Page]:
    """A page in a fresh context whose browser asks for ``lang``; on leaving, no console
    message may report a refusal by the content security policy."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale=BROWSER_LOCALE[lang])
    context.set_default_timeout(10_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    yield page
    context.close()
    refused = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    assert not refused, refused


class Journey:
    """A page, its language and width: checks each page and names its screenshots."""

    def __init__(self, page: Page, lang: Lang, size: str) -> None:
        self.page, self.lang, self.size = page, lang, size

    def w(self, key: str) -> str:
        return w(key, self.lang)

    def check(self, shot: str | None = None) -> None:
        self.page.wait_for_load_state()
        assert_fits_and_reads_well(self.page, self.lang)
        if shot:
            path = SCREENSHOTS / f"{self.lang}-{self.size}-{shot}.png"
            self.page.screenshot(path=str(path), full_page=True)


def platform_books(url: str, pet: str, service: str, vet: str, start: datetime) -> None:
    """The platform books an Adris appointment (a naive start is the clinic's wall clock)."""
    with connect(url) as conn:
        booking.book(
            conn,
            tenant_id="adris",
            pet_id=UUID(pet),
            service_id=UUID(service),
            vet_id=UUID(vet),
            start=start,
        )
        conn.commit()


def appointment(url: str, appointment_id: str) -> tuple[str, datetime]:
    """Independent read: (status, start) of one appointment."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT status, start_time FROM appointments WHERE id = %s", [appointment_id]
        ).fetchone()
    assert row is not None
    return str(row[0]), row[1]


@pytest.mark.parametrize(("lang", "size", "viewport"), MATRIX)
def test_book_after_signing_in_reschedule_on_its_day_and_cancel(
    browser: Browser, base_url: str, demo_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    day = tuesday(weeks=2 + [p.id for p in MATRIX].index(f"{lang}-{size}"))
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.goto("/")
        j.check("01-home")
        page.get_by_role("link", name="Clínica Veterinaria Adris").click()
        page.locator("main").get_by_role("link", name=j.w("book")).click()
        page.get_by_label(j.w("service")).select_option(index=0)
        service = page.get_by_label(j.w("service")).input_value()
        page.get_by_label(j.w("day")).fill(day.isoformat())
        page.get_by_role("button", name=j.w("show_slots")).click()
        j.check("02-free-slots-signed-out")
        page.get_by_role("link", name=j.w("sign_in_to_book")).click()
        j.check("03-demo-sign-in")
        page.locator("button[data-email='maria@demo.vete']").click()
        # Back where she was: the same service and day, now with the slots to book.
        assert f"service_id={service}" in page.url
        assert f"day={day.isoformat()}" in page.url
        expect(page.get_by_label(j.w("service"))).to_have_value(service)
        expect(page.get_by_label(j.w("day"))).to_have_value(day.isoformat())
        j.check("04-free-slots")
        page.locator("ul.slots button.slot").first.click()
        expect(page.locator("[data-done=booked]")).to_be_visible()
        j.check("05-booked")
        booked = page.locator("tr[data-status=scheduled]").last
        appointment_id = booked.get_attribute("data-appointment")
        assert appointment_id is not None
        status, start = appointment(demo_url, appointment_id)
        assert (status, start.astimezone(ADRIS).date()) == ("scheduled", day)

        page.locator(f"tr[data-appointment='{appointment_id}']").get_by_role(
            "link", name=j.w("reschedule")
        ).click()
        # The reschedule page opens on the appointment's own day.
        expect(page.get_by_label(j.w("day"))).to_have_value(day.isoformat())
        j.check("06-reschedule")
        page.locator("ul.slots button.slot").nth(3).click()
        expect(page.locator("[data-done=rescheduled]")).to_be_visible()
        j.check("07-rescheduled")
        status, moved = appointment(demo_url, appointment_id)
        assert status == "scheduled"
        assert moved != start  # the same row, moved
        assert moved.astimezone(ADRIS).date() == day  # on the same day

        row = page.locator(f"tr[data-appointment='{appointment_id}']")
        row.get_by_role("button", name=j.w("cancel")).click()
        expect(page.locator("[data-done=cancelled_note]")).to_be_visible()
        expect(page.locator(f"tr[data-appointment='{appointment_id}']")).to_have_attribute(
            "data-status", "cancelled"
        )
        j.check("08-cancelled")
        assert appointment(demo_url, appointment_id)[0] == "cancelled"


def stock(url: str, sku: str) -> tuple[str, str, int]:
    """Independent read: (id, name, units available) of an Adris product."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT p.id::text, p.name, i.stock_quantity - i.reserved_quantity"
            " FROM store_products p JOIN store_inventory i"
            " ON i.tenant_id = p.tenant_id AND i.product_id = p.id"
            " WHERE p.tenant_id = 'adris' AND p.sku = %s",
            [sku],
        ).fetchone()
    assert row is not None
    return row[0], row[1], int(row[2])


def jorges_orders(url: str) -> list[tuple[float, int]]:
    """Independent read: (total, item_count) of Jorge's orders, oldest first."""
    with psycopg.connect(url) as conn:
        return [
            (float(total), int(count))
            for total, count in conn.execute(
                "SELECT o.total, o.item_count FROM store_orders o"
                " JOIN profiles p ON p.tenant_id = o.tenant_id AND p.id = o.customer_id"
                " WHERE p.email = 'jorge@demo.vete' ORDER BY o.created_at"
            )
        ]


@pytest.mark.parametrize(("lang", "size", "viewport"), MATRIX)
def test_fill_a_cart_sign_in_to_merge_it_and_check_out(
    browser: Browser, base_url: str, demo_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    _bed, bed_name, beds = stock(demo_url, "CAMA-PERRO-M")
    asked = beds + 47  # more than there is: the merge cuts it to the stock, and says so
    orders_before = jorges_orders(demo_url)
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.goto(f"/c/adris/shop?lang={lang}")
        j.check("09-shop")
        page.locator("tr[data-sku='CAMA-PERRO-M'] input[name=quantity]").fill(str(asked))
        page.locator("tr[data-sku='CAMA-PERRO-M']").get_by_role(
            "button", name=j.w("add_to_cart")
        ).click()
        page.goto("/c/adris/shop")
        page.locator("tr[data-sku='PIPETA-PERRO-M'] input[name=quantity]").fill("2")
        page.locator("tr[data-sku='PIPETA-PERRO-M']").get_by_role(
            "button", name=j.w("add_to_cart")
        ).click()
        expect(page.get_by_text(j.w("device_cart_note"))).to_be_visible()
        expect(page.locator("[data-over-stock]")).to_have_count(1)
        j.check("10-device-cart")
        page.locator("main").get_by_role("link", name=j.w("sign_in_to_buy")).click()
        page.locator("button[data-email='jorge@demo.vete']").click()
        # Back on the cart, merged: the bed cut to the stock, and the page says so.
        assert urlsplit(page.url).path == "/c/adris/cart"
        expect(page.locator("tbody tr")).to_have_count(2)
        notice = CATALOG["notice.stock_limit"][lang].format(
            requested=asked, name=bed_name, quantity=beds
        )
        expect(page.locator("[data-flash]")).to_have_text(notice)
        j.check("11-merged-cart")
        page.locator("tbody tr", has_text=bed_name).get_by_role(
            "button", name=j.w("remove")
        ).click()
        expect(page.locator("tbody tr")).to_have_count(1)
        page.get_by_role("button", name=j.w("checkout")).click()
        expect(page.get_by_role("heading", name=j.w("order_placed"))).to_be_visible()
        # Unit price and line total in their own columns, in the clinic's money.
        line = page.locator("tbody tr").first
        expect(line.locator("[data-unit-price]")).to_have_text(
            "₲\u00a065.000" if lang == "es" else "₲65,000"
        )
        expect(line.locator("[data-line-total]")).to_have_text(
            "₲\u00a0130.000" if lang == "es" else "₲130,000"
        )
        j.check("12-order")
    assert jorges_orders(demo_url) == [*orders_before, (2 * 65000.0, 1)]
    assert stock(demo_url, "CAMA-PERRO-M")[2] == beds  # removed before checkout


@pytest.mark.parametrize(("lang", "size", "viewport"), [MATRIX[0], MATRIX[3]])
def test_staff_confirm_in_the_day_view(
    browser: Browser, base_url: str, demo_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    day = tuesday(weeks=8 + (lang == "en"))
    # The platform books Toby (vaccination) with Lucía, for the view.
    platform_books(
        demo_url,
        "c0000000-0000-4000-8000-000000000003",
        "e0000000-0000-4000-8000-000000000002",
        "a0000000-0000-4000-8000-000000000003",
        datetime(day.year, day.month, day.day, 10, 0),
    )
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.goto(f"/login?next=/c/adris/day&lang={lang}")
        page.locator("button[data-email='ana@demo.vete']").click()
        expect(page.get_by_role("heading", name=j.w("staff_day"))).to_be_visible()
        page.get_by_label(j.w("day")).fill(day.isoformat())
        page.get_by_role("button", name=j.w("show_day")).click()
        row = page.locator("tbody tr", has_text="Toby")
        row.get_by_role("button", name=j.w("confirm")).click()
        expect(page.locator("tbody tr", has_text="Toby").locator(".status")).to_have_text(
            j.w("status.confirmed")
        )
        j.check("13-staff-day")


@pytest.mark.parametrize(("lang", "size", "viewport"), [MATRIX[2], MATRIX[1]])
def test_without_demo_a_person_signs_in_with_an_access_token(
    browser: Browser, base_url_without_demo: str, lang: Lang, size: str, viewport: Any
) -> None:
    with open_page(browser, base_url_without_demo, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.goto(f"/login?next=/c/adris/appointments&lang={lang}")
        expect(page.locator("button[data-email]")).to_have_count(0)
        j.check("14-sign-in")
        page.get_by_label(j.w("access_token")).fill("not-a-token")
        page.locator("main").get_by_role("button", name=j.w("sign_in")).click()
        expect(page.get_by_role("alert")).to_have_text(j.w("token_refused"))
        j.check()
        maria = UUID("a0000000-0000-4000-8000-000000000004")
        page.get_by_label(j.w("access_token")).fill(mint_token(SECRET, user_id=maria))
        page.locator("main").get_by_role("button", name=j.w("sign_in")).click()
        expect(page).to_have_url(base_url_without_demo + "/c/adris/appointments")
        expect(page.get_by_role("button", name=j.w("sign_out"))).to_be_visible()


@pytest.mark.parametrize(("lang", "size", "viewport"), [MATRIX[1], MATRIX[2]])
def test_an_expired_session_says_so_and_comes_back_after_sign_in(
    browser: Browser, base_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    maria = UUID("a0000000-0000-4000-8000-000000000004")
    expired = mint_token(SECRET, user_id=maria, ttl_s=-60)
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.context.add_cookies([{"name": SESSION_COOKIE, "value": expired, "url": base_url}])
        page.goto("/c/adris/appointments")
        expect(page.locator("[data-flash]")).to_have_text(j.w("notice.session_expired"))
        j.check("15-session-expired")
        page.locator("button[data-email='maria@demo.vete']").click()
        expect(page).to_have_url(base_url + "/c/adris/appointments")


@pytest.mark.parametrize(("lang", "size", "viewport"), [MATRIX[0], MATRIX[3]])
def test_a_device_cart_with_bad_lines_says_so_once(
    browser: Browser, base_url: str, demo_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    product = stock(demo_url, "PIPETA-PERRO-M")[0]
    cart = {"adris": [{"id": product, "type": "product", "quantity": 2}, {"id": "junk"}, 7]}
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.context.add_cookies(
            [{"name": DEVICE_CART, "value": json.dumps(cart), "url": base_url}]
        )
        page.goto("/c/adris/cart")
        expect(page.locator("[data-flash]")).to_contain_text("2")
        expect(page.locator("tbody tr")).to_have_count(1)
        j.check("16-device-cart-notice")
        page.reload()
        expect(page.locator("[data-flash]")).to_have_count(0)


@pytest.mark.parametrize(("lang", "size", "viewport"), [MATRIX[1], MATRIX[2]])
def test_error_pages_speak_the_pages_language_without_codes(
    browser: Browser, base_url: str, lang: Lang, size: str, viewport: Any
) -> None:
    with open_page(browser, base_url, lang, viewport) as page:
        j = Journey(page, lang, size)
        page.goto("/c/nowhere")
        expect(page.get_by_role("alert")).to_have_text(j.w("error.TENANT_NOT_FOUND"))
        j.check("17-error")
        page.goto("/c/adris/nothing-here")
        expect(page.get_by_role("alert")).to_have_text(j.w("error.NOT_FOUND"))
        j.check()


def test_docs_render_with_every_request_outside_this_server_blocked(
    browser: Browser, base_url: str
) -> None:
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host != "127.0.0.1":
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    with open_page(browser, base_url, "en", DESKTOP) as page:
        page.route("**/*", only_this_server)
        page.goto("/docs")
        expect(page.locator(".opblock").first).to_be_visible()
        assert page.locator(".opblock").count() >= 15  # every operation drawn
        expect(page.get_by_text("/api/clinics/{tenant_id}/appointments").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "en-desktop-18-api-docs.png"))
    assert outside == []


NARROW = {"width": 360, "height": 740}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_page_fits_a_360_px_phone(
    browser: Browser, base_url: str, demo_url: str, lang: Lang
) -> None:
    """The narrowest phone asked for: each page a person reaches, with its actions, in a
    360 px viewport (no screenshots: the 390 px journeys take them)."""
    day = tuesday(weeks=10 + (lang == "en"))
    # An appointment of María's (Michi, consultation, Carlos), so the list has actions.
    platform_books(
        demo_url,
        "c0000000-0000-4000-8000-000000000002",
        "e0000000-0000-4000-8000-000000000001",
        "a0000000-0000-4000-8000-000000000002",
        datetime(day.year, day.month, day.day, 9, 0),
    )
    with open_page(browser, base_url, lang, NARROW) as page:
        j = Journey(page, lang, "narrow")
        product = stock(demo_url, "PIPETA-PERRO-M")[0]
        page.context.add_cookies(
            [
                {
                    "name": DEVICE_CART,
                    "value": json.dumps(
                        {"adris": [{"id": product, "type": "product", "quantity": 1}]}
                    ),
                    "url": base_url,
                }
            ]
        )
        for path in ("/", "/c/adris", "/c/adris/shop", "/c/adris/cart", "/login"):
            page.goto(path)
            j.check()
        page.goto("/login?next=/c/adris/appointments")
        page.locator("button[data-email='maria@demo.vete']").click()
        j.check()
        reschedule = page.locator("tr[data-status=scheduled]").first.get_by_role(
            "link", name=j.w("reschedule")
        )
        reschedule.click()
        j.check()
        page.goto(f"/c/adris/book?day={day.isoformat()}")
        page.get_by_role("button", name=j.w("show_slots")).click()
        j.check()
        page.goto("/c/adris/cart")
        j.check()
