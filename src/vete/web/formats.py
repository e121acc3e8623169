"""Money and dates as people read them, with Babel (CLDR): the clinic's currency in the
clinic's locale for the page's language — "₲ 98.000" in es-PY, "mar, 15 dic. 2026".

A clinic has a time zone but no currency or locale column yet, so both are read from its
time zone through CLDR's own tables (``America/Asuncion`` → PY → PYG, es_PY;
``Europe/Madrid`` → ES → EUR, es_ES): the zone says where the clinic is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_skeleton, format_time
from babel.numbers import format_currency, get_territory_currencies

from vete.messages import Lang

#: CLDR's narrow symbols for the currencies whose standard symbol in their own locale is
#: a code or an abbreviation. Babel imports CLDR's standard symbols only (es_PY's is
#: "Gs."), and people write "₲ 98.000".
NARROW_SYMBOLS = {"PYG": "₲"}
FALLBACK_CURRENCY = "USD"


@dataclass(frozen=True, slots=True)
class ClinicFormats:
    """How one clinic's money and dates read in one language."""

    locale: Locale
    currency: str
    zone: ZoneInfo

    def money(self, value: Decimal | float | int) -> str:
        """``₲ 98.000``, ``35,50 €``, ``€35.50``: the currency's own digits."""
        symbol = NARROW_SYMBOLS.get(self.currency)
        if symbol is None:
            return format_currency(value, self.currency, locale=self.locale)
        pattern = self.locale.currency_formats["standard"].pattern
        quoted = pattern.replace("¤", f"'{symbol}'")
        return format_currency(value, self.currency, format=quoted, locale=self.locale)

    def day(self, value: date) -> str:
        """``mar, 15 dic. 2026`` / ``Tue, Dec 15, 2026``."""
        return format_skeleton("yMMMEd", value, locale=self.locale)

    def hour(self, value: datetime) -> str:
        """``10:00`` / ``10:00 AM`` on the clinic's wall clock."""
        return format_time(value.astimezone(self.zone), "short", locale=self.locale)

    def when(self, value: datetime) -> str:
        """``mar, 15 dic. 2026, 10:00`` on the clinic's wall clock."""
        local = value.astimezone(self.zone)
        return f"{self.day(local.date())}, {self.hour(local)}"


def territory(timezone: str) -> str | None:
    """The country of a time zone, as CLDR knows it (``America/Asuncion`` → ``PY``)."""
    found = get_global("zone_territories").get(timezone)
    return None if found is None else str(found)


@lru_cache(maxsize=64)
def for_clinic(timezone: str, lang: Lang) -> ClinicFormats:
    """The formats of a clinic in ``timezone`` for a page in ``lang``."""
    country = territory(timezone)
    try:
        locale = Locale.parse(f"{lang}_{country}") if country else Locale.parse(lang)
    except UnknownLocaleError:
        locale = Locale.parse(lang)  # no English of Paraguay in CLDR: plain English
    currencies = get_territory_currencies(country) if country else []
    return ClinicFormats(
        locale=locale,
        currency=currencies[0] if currencies else FALLBACK_CURRENCY,
        zone=ZoneInfo(timezone),
    )
