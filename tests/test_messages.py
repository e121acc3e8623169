"""The message catalog (vete.messages): every key in both languages, every error code a
person can meet has its words, the placeholders agree, and Spanish keeps one register."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import get_args

import pytest

import vete
from vete.api.schemas import Status
from vete.errors import BUSINESS_CODES
from vete.messages import CATALOG, LANGUAGES, error_text, pick_language, say

SRC = Path(vete.__file__).parent
#: Codes the HTTP layer and the pages add to the SQL's business codes.
HTTP_CODES = {
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "CROSS_SITE_REQUEST",
    "CONFLICT",
    "SERVICE_UNAVAILABLE",
    "DATABASE_UNAVAILABLE",
    "METHOD_NOT_ALLOWED",
    "HTTP_ERROR",
    "INTERNAL_ERROR",
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_and_the_same_placeholders() -> None:
    for key, entry in CATALOG.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key
        assert fields(entry["es"]) == fields(entry["en"]), key


@pytest.mark.parametrize("code", sorted(set(BUSINESS_CODES) | HTTP_CODES))
def test_every_error_code_has_words_in_both_languages(code: str) -> None:
    entry = CATALOG.get(f"error.{code}")
    assert entry is not None, f"error.{code} is missing from vete.messages"
    assert entry["es"] != entry["en"]
    assert code not in entry["es"] + entry["en"]  # words, not the code again


def test_every_code_the_source_raises_has_words() -> None:
    raised = set()
    for path in SRC.rglob("*.py"):
        if "deploy" in path.parts or "cli" in path.parts:
            continue  # the operator's tools speak English to the operator
        raised |= set(re.findall(r'code="([A-Z_]+)"', path.read_text(encoding="utf-8")))
    assert raised  # the scan found the raises
    assert {c for c in raised if f"error.{c}" not in CATALOG} == set()


def test_every_status_and_role_reads_in_both_languages() -> None:
    for status in get_args(Status):
        assert f"status.{status}" in CATALOG
    for role in ("owner", "vet", "admin"):
        assert f"role.{role}" in CATALOG


def test_every_word_the_templates_use_is_in_the_catalog() -> None:
    used = set()
    for path in (SRC / "web" / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.([a-z_]+)", text))
        used |= {f"{prefix}." for prefix in re.findall(r"t\['([a-z_]+)\.' ~", text)}
    missing = {
        key
        for key in used
        if key not in CATALOG and not any(k.startswith(key) for k in CATALOG if key.endswith("."))
    }
    assert missing == set()


#: Forms of "usted" a voseo text never uses (the imperatives vete's Spanish needs).
USTED = re.compile(
    r"\b(usted|ingrese|elija|pegue|pruebe|revise|escriba|abra|envíe|intente|vuelva)\b",
    re.IGNORECASE,
)


def test_spanish_is_the_voseo_throughout() -> None:
    spanish = " ".join(entry["es"] for entry in CATALOG.values())
    assert USTED.findall(spanish) == []
    for voseo in ("Elegí", "Ingresá", "tenés", "Probá", "Revisá"):
        assert voseo in spanish


def test_error_text_for_an_unknown_code_is_a_sentence_not_the_code() -> None:
    assert error_text("NO_SUCH_CODE", "en") == CATALOG["error.ERROR"]["en"]
    assert say("minutes", "es", n=30) == "30 min"


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "es", "es", "en"),
        (None, "en", "es", "en"),
        (None, None, "en-US,en;q=0.9", "en"),
        (None, None, "fr-FR, en;q=0.5, es;q=0.8", "es"),
        (None, None, "de, fr", "es"),
        (None, None, None, "es"),
        ("xx", "yy", "en;q=oops, es", "es"),
    ],
)
def test_pick_language(query, cookie, accept, expected) -> None:
    assert pick_language(query, cookie, accept) == expected
