"""The booking pages say why a day has no free slot, offer no past day, keep the choices
across signing in, and write money and dates as the clinic's locale does."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from tests import clock
from vete import booking
from vete.db import connect
from vete.messages import CATALOG
from vete.web.formats import for_clinic

ADRIS = ZoneInfo("America/Asuncion")
SURGERY = "e0000000-0000-4000-8000-000000000003"
CARLOS = "a0000000-0000-4000-8000-000000000002"


def reason(page: str) -> str | None:
    found = re.search(r'data-no-slots="([a-z]+)"', page)
    return found.group(1) if found else None


def services(pages) -> dict[str, str]:
    page = pages.get("/c/adris/book").text
    return {
        unescape(n).split(" (")[0]: v
        for v, n in re.findall(r'<option value="([0-9a-f-]{36})"[^>]*>([^<]+)<', page)
    }


def test_no_free_slot_says_why_past_closed_or_full(pages, demo_url):
    consulta = services(pages)["Consulta general"]
    today = clock.today(ADRIS)

    def book_page(day: date, **extra: str) -> str:
        params = {"service_id": consulta, "day": day.isoformat(), "lang": "en", **extra}
        r = pages.get("/c/adris/book", params=params)
        assert r.status_code == 200
        return r.text

    past = book_page(today - timedelta(days=7))
    assert reason(past) == "past"
    assert CATALOG["no_slots.past"]["en"] in unescape(past)
    sunday = clock.weekday_ahead(ADRIS, clock.SUNDAY, weeks=2)
    assert reason(book_page(sunday)) == "closed"
    saturday = clock.weekday_ahead(ADRIS, clock.SATURDAY, weeks=4)
    assert reason(book_page(saturday, vet_id="a0000000-0000-4000-8000-000000000003")) == (
        "closed"  # Lucía does not work on Saturdays; Carlos does
    )
    # Fill Carlos's Saturday morning: then it is full, not closed.
    with connect(demo_url) as conn:
        for _ in range(40):
            slots = booking.available_slots(
                conn,
                tenant_id="adris",
                day=saturday,
                service_id=UUID(consulta),
                vet_id=UUID(CARLOS),
            )
            if not slots:
                break
            booking.book(
                conn,
                tenant_id="adris",
                pet_id=UUID("c0000000-0000-4000-8000-000000000003"),
                service_id=UUID(consulta),
                vet_id=UUID(CARLOS),
                start=slots[0].start,
            )
            conn.commit()
    assert reason(book_page(saturday, vet_id=CARLOS)) == "full"
    assert reason(book_page(saturday)) == "full"
    open_day = book_page(clock.weekday_ahead(ADRIS, clock.MONDAY, weeks=3))
    assert reason(open_day) is None


def test_the_reason_for_no_slot_is_judged_from_the_clinics_today():
    from vete.reads import BookingCalendar
    from vete.web.pages import no_slots_reason

    wednesday = date(2030, 1, 2)
    calendar = BookingCalendar(today=wednesday, open_weekdays=[1, 2, 3, 4, 5])
    assert no_slots_reason(calendar, wednesday - timedelta(days=1)) == "past"
    assert no_slots_reason(calendar, wednesday) == "today"
    assert no_slots_reason(calendar, wednesday + timedelta(days=1)) == "full"
    assert no_slots_reason(calendar, date(2030, 1, 5)) == "closed"  # a Saturday
    assert calendar.next_open_day() == wednesday + timedelta(days=1)
    friday = BookingCalendar(today=date(2030, 1, 4), open_weekdays=[1, 2, 3, 4, 5])
    assert friday.next_open_day() == date(2030, 1, 7)  # Monday
    assert BookingCalendar(today=wednesday, open_weekdays=[]).next_open_day() == date(2030, 1, 3)


def test_the_date_picker_offers_no_past_day_and_opens_on_an_open_day(pages):
    page = pages.get("/c/adris/book").text
    today = clock.today(ADRIS)
    assert f'min="{today.isoformat()}"' in page
    shown = date.fromisoformat(re.search(r'name="day" value="([0-9-]+)"', page).group(1))
    assert shown > today
    assert shown.isoweekday() != clock.SUNDAY


def test_signing_in_comes_back_with_the_same_service_vet_and_day(pages):
    consulta = services(pages)["Consulta general"]
    day = clock.weekday_ahead(ADRIS, clock.MONDAY, weeks=3).isoformat()
    query = {"service_id": consulta, "vet_id": CARLOS, "day": day}
    page = pages.get("/c/adris/book", params=query).text
    links = [unescape(h) for h in re.findall(r'href="(/login\?next=[^"]+)"', page)]
    assert len(links) == 2  # the nav's "Ingresar" and "Ingresá para reservar"
    for link in links:
        target = unquote(parse_qs(urlsplit(link).query)["next"][0])
        assert urlsplit(target).path == "/c/adris/book"
        assert {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()} == query
        login = pages.get(link).text
        assert f'name="next" value="{target.replace("&", "&amp;")}"' in login
        r = pages.post(
            "/login", data={"email": "maria@demo.vete", "next": target}, follow_redirects=False
        )
        assert r.headers["location"] == target
        pages.cookies.clear()


def test_an_expired_session_on_a_form_goes_back_to_the_page_it_was_on(pages):
    from tests.web.conftest import SECRET
    from vete.api import mint_token
    from vete.api.deps import SESSION_COOKIE

    expired = mint_token(SECRET, user_id=UUID("a0000000-0000-4000-8000-000000000004"), ttl_s=-5)
    pages.cookies.set(SESSION_COOKIE, expired)
    r = pages.post(
        f"/c/adris/appointments/{UUID(int=1)}/cancel",
        data={"reason": "x"},
        headers={"referer": "http://testserver/c/adris/appointments?lang=en"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fc%2Fadris%2Fappointments%3Flang%3Den"
    assert "vete_notice" in r.headers.get("set-cookie", "")
    login = pages.get(r.headers["location"]).text
    assert CATALOG["notice.session_expired"]["es"] in unescape(login)
    pages.cookies.clear()
    # Never signed in: the sign-in page, without a word about a session.
    r = pages.get("/c/adris/appointments", follow_redirects=False)
    assert r.headers["location"] == "/login?next=%2Fc%2Fadris%2Fappointments"
    assert "vete_notice" not in r.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("zone", "lang", "amount", "expected"),
    [
        ("America/Asuncion", "es", "98000.00", "₲\u00a098.000"),
        ("America/Asuncion", "en", "98000.00", "₲98,000"),
        ("Europe/Madrid", "es", "35.50", "35,50\u00a0€"),
        ("Europe/Madrid", "en", "35.50", "35,50\u00a0€"),
    ],
)
def test_money_in_the_clinics_currency_and_locale(zone, lang, amount, expected):
    assert for_clinic(zone, lang).money(Decimal(amount)) == expected


def test_dates_as_people_read_them_on_the_clinics_clock():
    instant = datetime(2027, 3, 2, 13, 0, tzinfo=ZoneInfo("UTC"))
    assert for_clinic("America/Asuncion", "es").when(instant) == "mar, 2 mar. 2027, 10:00"
    assert for_clinic("America/Asuncion", "en").when(instant) == "Tue, Mar 2, 2027, 10:00\u202fAM"
    assert for_clinic("Europe/Madrid", "es").when(instant) == "mar, 2 mar 2027, 14:00"


def test_adding_more_than_the_stock_says_what_the_cart_got(pages, demo_url):
    import psycopg

    with psycopg.connect(demo_url) as conn:
        product, name, available = conn.execute(
            "SELECT p.id::text, p.name, i.stock_quantity - i.reserved_quantity"
            " FROM store_products p JOIN store_inventory i"
            " ON i.tenant_id = p.tenant_id AND i.product_id = p.id"
            " WHERE p.tenant_id = 'adris' AND p.sku = 'ARENA-GATO-4KG'"
        ).fetchone()
    pages.post("/login", data={"email": "jorge@demo.vete"}, follow_redirects=False)
    asked = available + 20
    r = pages.post("/c/adris/cart/add", data={"product_id": product, "quantity": str(asked)})
    assert r.status_code == 200
    expected = CATALOG["notice.stock_limit"]["es"].format(
        requested=asked, name=name, quantity=available
    )
    assert expected in unescape(r.text)
    assert f'value="{available}"' in r.text  # the cart holds what there is
    pages.post("/c/adris/cart/set", data={"item_id": product, "quantity": "0"})
    pages.cookies.clear()


def test_a_page_asked_with_the_wrong_method_is_a_page_in_words(pages):
    r = pages.get("/c/adris/checkout?lang=en")
    assert r.status_code == 405
    assert "text/html" in r.headers["content-type"]
    assert CATALOG["error.METHOD_NOT_ALLOWED"]["en"] in unescape(r.text)
