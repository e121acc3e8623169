"""Fuzzing through the SQL functions: any input gives success or a documented code, and a
refusal writes nothing.

Hypothesis generates cart JSON for ``merge_cart_atomic`` (arbitrary JSON, and items that
are almost right: real and unknown ids, real ids spelled otherwise, wrong types,
quantities out of range) and argument sets for ``book_appointment_atomic`` (real and
foreign ids, NULLs, past and far-future starts up to year 10000 in UTC, durations in and
out of range, notes up to megabytes, SQL-injection text). Each call runs as the demo owner
María or the vet Carlos over the RPC convention, in its own committed transaction; what it
wrote is judged by an independent query on another connection. A success is held to the
rules migration 016 added: an owner gets the service's length, staff 5-720 minutes,
nothing starts beyond the horizon, no stored text is over 2000 characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from tests import clock
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
    "DURATION_NOT_ALLOWED",
    "START_TOO_FAR_AHEAD",
    "TEXT_TOO_LONG",
}
ADRIS_ZONE = ZoneInfo("America/Asuncion")
#: The demo consult's length (src/vete/demo.sql), the only one an owner may book.
CONSULTA_MINUTES = 30
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


def future_start() -> st.SearchStrategy[datetime | str | None]:
    now = clock.now()
    return st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        ),
        st.integers(1, 60 * 24 * 21).map(
            lambda m: (now + timedelta(minutes=m)).replace(second=0, microsecond=0)
        ),
        # Around the 730-day horizon, and past the year 9999 in UTC (PostgreSQL accepts both).
        st.integers(-3, 3).map(
            lambda d: (now + timedelta(days=730 + d)).replace(second=0, microsecond=0)
        ),
        st.sampled_from(
            ["9999-12-31T23:59:00-12:00", "10000-01-01T00:00:00Z", "infinity", "-infinity"]
        ),
    )


def notes() -> st.SearchStrategy[str | None]:
    """Short text, injection strings, and text around the bound up to megabytes."""
    return (
        st.none() | TEXTS | st.sampled_from([1999, 2000, 2001, 100_000, 5_000_000]).map("N".__mul__)
    )


def weekday_afternoon(days_ahead: int) -> datetime:
    """13:00 at adris (Carlos works 08-18, lunch 12-13) on the first weekday from then."""
    day = clock.days_ahead(ADRIS_ZONE, days_ahead)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 13, tzinfo=ADRIS_ZONE)


def valid_booking(**changes: Any) -> dict[str, Any]:
    """An argument set that books on an empty calendar, with ``changes`` applied."""
    args: dict[str, Any] = {
        "tenant": "adris",
        "pet": FIRULAIS,
        "service": CONSULTA,
        "vet": CARLOS,
        "start": weekday_afternoon(40),
        "duration": None,
        "reason": None,
        "note": None,
        "who": MARIA,
        "booked_by": None,
        "key": None,
    }
    return args | changes


#: Audit findings, replayed first on every run: each was accepted before migration 016.
FINDINGS = [
    valid_booking(duration=240),  # an owner takes a vet's afternoon with a 30-minute consult
    valid_booking(duration=1, start=weekday_afternoon(47)),
    valid_booking(start=weekday_afternoon(760)),  # beyond the 730-day horizon
    valid_booking(start=weekday_afternoon(54), note="N" * 5_000_000),
]


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
        duration=st.none()
        | st.integers(-(2**31), 2**31 - 1)
        | st.integers(-5, 800)
        | st.sampled_from([1, 4, 5, 30, 240, 300, 720, 721]),
        reason=st.none() | TEXTS,
        note=notes(),
        who=st.sampled_from([MARIA, CARLOS]),
        booked_by=st.sampled_from([None, MARIA, uuid4()]),
        key=st.none() | TEXTS | st.text(CHARS, min_size=201, max_size=210),
    )
    @example(**FINDINGS[0])
    @example(**FINDINGS[1])
    @example(**FINDINGS[2])
    @example(**FINDINGS[3])
    def check(
        tenant: str,
        pet: UUID | None,
        service: UUID | None,
        vet: UUID | None,
        start: datetime | None,
        duration: int | None,
        reason: str | None,
        note: str | None,
        who: UUID,
        booked_by: UUID | None,
        key: str | None,
    ) -> None:
        before = counts(judge)
        with caller.transaction():
            act_as(caller, user_id=who, role="authenticated")
            row = caller.execute(
                "SELECT book_appointment_atomic(p_tenant_id => %s, p_pet_id => %s,"
                " p_service_id => %s, p_vet_id => %s, p_start_time => %s,"
                " p_duration_minutes => %s::int, p_reason => %s, p_notes => %s,"
                " p_booked_by => %s, p_idempotency_key => %s) AS r",
                [tenant, pet, service, vet, start, duration, reason, note, booked_by, key],
            ).fetchone()
        assert row is not None
        result = row["r"]
        after = counts(judge)
        if result["success"]:
            assert set(result) >= {"appointment_id", "start_time", "end_time", "status"}
            assert after[0] in (before[0], before[0] + 1)  # an idempotent replay adds none
            booked = judge.execute(
                "SELECT duration_minutes, start_time, char_length(notes) AS notes"
                " FROM appointments WHERE id = %s",
                [result["appointment_id"]],
            ).fetchone()
            assert booked is not None
            if who == MARIA:
                assert booked["duration_minutes"] == CONSULTA_MINUTES, result
            else:
                assert 5 <= booked["duration_minutes"] <= 720 or duration is None, result
            assert booked["start_time"] <= clock.now() + timedelta(days=731), result
            assert (booked["notes"] or 0) <= 2000
        else:
            assert result["error"] in BOOKING_CODES, result
            assert after == before, f"a refused booking wrote rows: {json.dumps(result)}"

    check()


# Every table of vete's, with a column of each to write (read by the judge).
VETE_RELATIONS = """
SELECT n.nspname || '.' || c.relname AS name,
       (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
          AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
        ORDER BY a.attnum LIMIT 1) AS col
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'vete') AND c.relkind = 'r'
ORDER BY 1
"""
WRITE_VERBS = (
    "TRUNCATE {t}",
    "INSERT INTO {t} DEFAULT VALUES",
    "UPDATE {t} SET {c} = {c}",
    "DELETE FROM {t}",
)
DEMO_USERS = (None, MARIA, CARLOS, UUID("a0000000-0000-4000-8000-000000000001"))


def test_any_api_caller_writing_any_vete_table_directly_is_refused_and_writes_nothing(
    demo: dict[str, Any],
    caller: psycopg.Connection[dict[str, Any]],
    judge: psycopg.Connection[dict[str, Any]],
) -> None:
    """Writes go through vete's functions only: on Supabase's default privileges a direct
    TRUNCATE/INSERT/UPDATE/DELETE as anon or authenticated is refused (42501)."""
    from psycopg import sql

    relations = judge.execute(VETE_RELATIONS).fetchall()

    def counts() -> list[Any]:
        return [
            judge.execute(
                sql.SQL("SELECT count(*) AS n FROM {}").format(
                    sql.Identifier(*r["name"].split("."))
                )
            ).fetchone()
            for r in relations
        ]

    before = counts()

    @SETTINGS
    @given(
        relation=st.sampled_from(relations),
        verb=st.sampled_from(WRITE_VERBS),
        user=st.sampled_from(DEMO_USERS),
    )
    def check(relation: dict[str, Any], verb: str, user: UUID | None) -> None:
        statement = sql.SQL(verb).format(
            t=sql.Identifier(*relation["name"].split(".")),
            c=sql.Identifier(relation["col"] or "id"),
        )
        try:
            with caller.transaction():
                act_as(caller, user_id=user, role="anon" if user is None else "authenticated")
                caller.execute(statement)
        except psycopg.errors.InsufficientPrivilege:
            return
        pytest.fail(f"{statement.as_string(caller)} as {user} was not refused")

    check()
    assert counts() == before
