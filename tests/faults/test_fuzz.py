"""Fuzzing through the SQL functions: any input gives success or a documented code, and a
refusal writes nothing.

Hypothesis generates cart JSON for ``merge_cart_atomic`` (arbitrary JSON, and items that
are almost right: real and unknown ids, real ids spelled otherwise, wrong types,
quantities out of range) and argument sets for ``book_appointment_atomic`` (real and
foreign ids, NULLs, past and far-future starts, durations out of range, SQL-injection
text). Each call runs as the demo owner
María over the RPC convention, in its own committed transaction; what it wrote is judged
by an independent query on another connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests.api.conftest import CARLOS, CONSULTA, FIRULAIS, LUNA, MARIA, RETIRO_CONSULTA
from vete.demo import load_demo
from vete.session import act_as

# Documented in docs/store.md and docs/booking.md.
CART_CODES = {"INVALID_ITEMS", "ITEM_NOT_FOUND", "TOO_MANY_ITEMS"}
LINE_KEYS = {"id", "type", "name", "price", "quantity"}
BOOKING_CODES = {
    "SLOT_UNAVAILABLE",
    "PET_NOT_FOUND",
    "VET_NOT_FOUND",
    "SERVICE_NOT_FOUND",
    "TENANT_NOT_FOUND",
    "UNAUTHORIZED",
    "INVALID_TIME",
    "INVALID_DURATION",
    "OUTSIDE_WORKING_HOURS",
    "OUTSIDE_SERVICE_HOURS",
    "DURING_BREAK",
    "VET_TIME_OFF",
    "IDEMPOTENCY_CONFLICT",
    "INVALID_IDEMPOTENCY_KEY",
}
INJECTION = [
    "'; DROP TABLE appointments; --",
    '" OR 1=1 --',
    "adris' OR 'a'='a",
    "$$; SELECT pg_sleep(10); $$",
    "\\x27; TRUNCATE store_carts; --",
]
# PostgreSQL text cannot hold NUL; surrogates are not valid UTF-8.
CHARS = st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))
TEXT = st.text(CHARS, max_size=40)
TEXTS = st.one_of(TEXT, st.sampled_from(INJECTION))
SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def demo(database_url: str) -> dict[str, Any]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        load_demo(conn)
        products = [
            str(r["id"])
            for r in conn.execute("SELECT id FROM store_products WHERE tenant_id = 'adris'")
        ]
        foreign = [
            str(r["id"])
            for r in conn.execute("SELECT id FROM store_products WHERE tenant_id = 'retiro'")
        ]
    return {"url": database_url, "products": products, "foreign": foreign}


@pytest.fixture(scope="module")
def caller(demo: dict[str, Any]) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    with psycopg.connect(demo["url"], row_factory=dict_row) as conn:
        yield conn


@pytest.fixture(scope="module")
def judge(demo: dict[str, Any]) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    with psycopg.connect(demo["url"], row_factory=dict_row, autocommit=True) as conn:
        yield conn


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        TEXTS,
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
        max_leaves=12,
    )


def spellings(product: str) -> st.SearchStrategy[str]:
    """Other spellings of a real product's uuid: the ones PostgreSQL reads as that uuid
    (any letter case, braces, no hyphens, a hyphen every four digits) and near misses."""
    hex_ = product.replace("-", "")
    return st.one_of(
        st.lists(st.booleans(), min_size=len(product), max_size=len(product)).map(
            lambda upper: "".join(
                c.upper() if u else c for c, u in zip(product, upper, strict=True)
            )
        ),
        st.sampled_from(
            [
                product.upper(),
                "{" + product + "}",
                hex_,
                hex_.upper(),
                "-".join(hex_[i : i + 4] for i in range(0, 32, 4)),
                " " + product,
                product + "\n",
                "{" + product,
                product + "}",
            ]
        ),
    )


def cart_items(demo_products: list[str], foreign: list[str]) -> st.SearchStrategy[Any]:
    ids = st.one_of(
        st.sampled_from(demo_products),
        st.sampled_from(demo_products).flatmap(spellings),
        st.sampled_from(foreign),
        st.uuids().map(str),
        TEXTS,
        st.integers(),
        st.none(),
        st.just(f"{CONSULTA}-{FIRULAIS}-standard"),
        st.just(f"{CONSULTA}-{LUNA}-x"),
    )
    item = st.fixed_dictionaries(
        {},
        optional={
            "id": ids,
            "type": st.sampled_from(["product", "service", "PRODUCT", "", "bundle"]) | st.none(),
            "quantity": st.integers(-5, 150)
            | st.floats(allow_nan=False, allow_infinity=False)
            | TEXTS
            | st.none(),
            "price": st.floats(allow_nan=False, allow_infinity=False) | st.integers(),
            "name": TEXTS,
        },
    )
    # Well-formed lines of real products under any spelling: most of these merges succeed,
    # so what they store is judged, not only what they refuse.
    real = st.sampled_from(demo_products)
    plain = st.fixed_dictionaries(
        {
            "id": st.one_of(real, real.flatmap(spellings)),
            "type": st.just("product"),
            "quantity": st.integers(1, 100),
        },
        optional={"price": st.integers(0, 10**6), "name": TEXTS, "junk": TEXTS},
    )
    return st.one_of(st.lists(item, max_size=55), st.lists(plain, max_size=12), json_values())


def cart_of_maria(judge: psycopg.Connection[dict[str, Any]]) -> list[Any]:
    rows = judge.execute(
        "SELECT items FROM store_carts WHERE tenant_id = 'adris' AND customer_id = %s", [MARIA]
    ).fetchall()
    return [r["items"] for r in rows]


def test_cart_merge_answers_every_input_with_success_or_a_documented_code(
    demo: dict[str, Any],
    caller: psycopg.Connection[dict[str, Any]],
    judge: psycopg.Connection[dict[str, Any]],
) -> None:
    @SETTINGS
    @given(
        items=cart_items(demo["products"], demo["foreign"]), policy=st.sampled_from(["max", "sum"])
    )
    def check(items: Any, policy: str) -> None:
        before = cart_of_maria(judge)
        with caller.transaction():
            act_as(caller, user_id=MARIA, role="authenticated")
            row = caller.execute(
                "SELECT merge_cart_atomic(p_customer_id => %s, p_tenant_id => 'adris',"
                " p_new_items => %s, p_policy => %s) AS r",
                [MARIA, Jsonb(items), policy],
            ).fetchone()
        assert row is not None
        result = row["r"]
        after = cart_of_maria(judge)
        if result["success"]:
            lines = result["items"]
            assert len(lines) <= 50
            # Stored as the contract's five keys, product ids in their canonical spelling,
            # so one (id, type) per line is one line per product.
            assert all(set(line) == LINE_KEYS for line in lines), lines
            assert all(
                line["id"] == str(UUID(line["id"])) for line in lines if line["type"] == "product"
            ), lines
            assert len({(line["id"], line["type"]) for line in lines}) == len(lines)
            assert all(
                isinstance(line["quantity"], int) and 1 <= line["quantity"] <= 100 for line in lines
            )
            assert after == [lines]
        else:
            assert result["error"] in CART_CODES, result
            assert result["message"]
            assert after == before, "a refused merge wrote to the cart"

    check()


def future_start() -> st.SearchStrategy[datetime | None]:
    now = datetime.now(UTC)
    return st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        ),
        st.integers(1, 60 * 24 * 21).map(
            lambda m: (now + timedelta(minutes=m)).replace(second=0, microsecond=0)
        ),
    )


def counts(judge: psycopg.Connection[dict[str, Any]]) -> tuple[int, int]:
    row = judge.execute(
        "SELECT (SELECT count(*) FROM appointments) AS a,"
        " (SELECT count(*) FROM appointment_events) AS e"
    ).fetchone()
    assert row is not None
    return int(row["a"]), int(row["e"])


def test_booking_answers_every_argument_set_with_success_or_a_documented_code(
    caller: psycopg.Connection[dict[str, Any]], judge: psycopg.Connection[dict[str, Any]]
) -> None:
    uuids = st.one_of(st.none(), st.uuids())

    @SETTINGS
    @given(
        tenant=st.sampled_from(["adris", "retiro"]) | TEXTS,
        pet=st.sampled_from([FIRULAIS, LUNA]) | uuids,
        service=st.sampled_from([CONSULTA, RETIRO_CONSULTA]) | uuids,
        vet=st.sampled_from([CARLOS]) | uuids,
        start=future_start(),
        duration=st.none() | st.integers(-(2**31), 2**31 - 1) | st.integers(-5, 800),
        reason=st.none() | TEXTS,
        booked_by=st.sampled_from([None, MARIA, uuid4()]),
        key=st.none() | TEXTS | st.text(CHARS, min_size=201, max_size=210),
    )
    def check(
        tenant: str,
        pet: UUID | None,
        service: UUID | None,
        vet: UUID | None,
        start: datetime | None,
        duration: int | None,
        reason: str | None,
        booked_by: UUID | None,
        key: str | None,
    ) -> None:
        before = counts(judge)
        with caller.transaction():
            act_as(caller, user_id=MARIA, role="authenticated")
            row = caller.execute(
                "SELECT book_appointment_atomic(p_tenant_id => %s, p_pet_id => %s,"
                " p_service_id => %s, p_vet_id => %s, p_start_time => %s,"
                " p_duration_minutes => %s::int, p_reason => %s, p_notes => %s,"
                " p_booked_by => %s, p_idempotency_key => %s) AS r",
                [tenant, pet, service, vet, start, duration, reason, reason, booked_by, key],
            ).fetchone()
        assert row is not None
        result = row["r"]
        after = counts(judge)
        if result["success"]:
            assert set(result) >= {"appointment_id", "start_time", "end_time", "status"}
            assert after[0] in (before[0], before[0] + 1)  # an idempotent replay adds none
        else:
            assert result["error"] in BOOKING_CODES, result
            assert after == before, f"a refused booking wrote rows: {json.dumps(result)}"

    check()
