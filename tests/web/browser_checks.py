"""What every page must hold in the browser, at any width and in either language: no page
wider than its viewport, every action visible, on screen and clickable, no word of the
other language, no machine code, no ISO date."""

from __future__ import annotations

import re
from functools import cache

from playwright.sync_api import Page

from vete.messages import CATALOG, Lang

#: A business or HTTP code (SLOT_UNAVAILABLE, TENANT_NOT_FOUND, NOT_FOUND …) as text.
RAW_CODE = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
#: Every action a person can take on a page.
ACTIONS = "main button:visible, main a.button:visible, nav a:visible, nav button:visible"
#: Phrases both languages share, or that are names rather than words.
SHARED = {"vete", "Total", "min", "English", "Español"}


@cache
def phrases_of(lang: Lang) -> tuple[re.Pattern[str], ...]:
    """Phrases (3+ letters, whole words) of ``lang``'s catalog that the other language's
    entries never use: one of them on a page of the other language is a mixed page."""
    other: Lang = "en" if lang == "es" else "es"
    theirs = {entry[other] for entry in CATALOG.values()}
    found = set()
    for entry in CATALOG.values():
        if entry[lang] == entry[other]:
            continue
        for fragment in re.split(r"\{[^}]*\}|[«»“”:;.,()/·]", entry[lang]):
            fragment = fragment.strip()
            if len(fragment) < 3 or fragment in SHARED:
                continue
            if any(fragment in text for text in theirs):
                continue
            found.add(fragment)
    return tuple(re.compile(rf"(?<!\w){re.escape(f)}(?!\w)") for f in sorted(found))


def assert_fits_and_reads_well(page: Page, lang: Lang) -> None:
    """The checks every page must pass (see the module's doc)."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    )
    assert scroll <= width, f"{page.url}: {scroll} px wide in a {width} px viewport"
    text = page.locator("body").inner_text()
    other: Lang = "en" if lang == "es" else "es"
    mixed = [p.pattern for p in phrases_of(other) if p.search(text)]
    assert not mixed, f"{page.url} ({lang}) shows {other} words: {mixed}"
    assert not RAW_CODE.search(text), f"{page.url}: a raw code: {RAW_CODE.findall(text)}"
    assert not ISO_DATE.search(text), f"{page.url}: an ISO date: {ISO_DATE.findall(text)}"
    actions = page.locator(ACTIONS)
    found = actions.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.right, e.innerText, !!e.closest('.slots')]; })"
    )
    for left, right, label, _in_slots in found:
        assert left >= 0, f"{page.url}: {label!r} starts off-screen at {left}"
        assert right <= width + 0.5, f"{page.url}: {label!r} ends off-screen at {right}"
    # Clickable: visible, enabled, not covered. Of a grid of free slots, the first and the
    # last stand for the rest (they share one layout; clicking each would take seconds).
    slots = [i for i, item in enumerate(found) if item[3]]
    for index, _item in enumerate(found):
        if index in slots[1:-1]:
            continue
        actions.nth(index).click(trial=True, timeout=3000)
