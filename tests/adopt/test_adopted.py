"""After `vete db adopt --resolve` on the original's database: its data is all there, the
three functions answer the original's callers, and the races the original lost now hold."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from tests import clock
from tests.adopt.conftest import (
    THE_THREE,
    data_checksums,
    load_original,
    original_columns,
    rows,
    run_adopt,
)
from tests.booking.race import race
from tests.deploy.conftest import schema_fingerprint
from tests.store.test_merge_rules_inlined import CALLS
from vete.deploy.adopt import AdoptOptions, AdoptReport, adopt
from vete.errors import AdoptConflicts
from vete.session import act_as

CANCELLED = "d0000000-0000-4000-8000-000000000002"
KEPT = "d0000000-0000-4000-8000-000000000001"
MERGED_CART = "f0000000-0000-4000-8000-000000000010"
ADMIN = "a0000000-0000-4000-8000-000000000003"
OWNER = "a0000000-0000-4000-8000-000000000010"
PET = "b0000000-0000-4000-8000-000000000010"
VET = "a0000000-0000-4000-8000-000000000002"
SERVICE = "c0000000-0000-4000-8000-000000000001"
ASUNCION = dt.timezone(dt.timedelta(hours=-3))  # no DST in Paraguay since 2024


@pytest.fixture(scope="module")
def adopted(
    database_factory: Callable[..., str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, AdoptReport, dict[str, Any]]]:
    """The original adopted with default flags (backup proven by a restore): first refused
    for its conflicting rows, then adopted with --resolve."""
    url = load_original(database_factory(empty=True))
    columns = original_columns(url)
    before = {
        "columns": columns,
        "data": data_checksums(url, columns, frozenset({CANCELLED, MERGED_CART})),
        "all": data_checksums(url, columns),
        "cancelled": rows(url, "SELECT * FROM public.appointments WHERE id = %s", CANCELLED)[0],
        "cart": rows(url, "SELECT * FROM public.store_carts WHERE id = %s", MERGED_CART)[0],
    }
    backups = tmp_path_factory.mktemp("backups")
    with pytest.raises(AdoptConflicts) as refused:
        adopt(url, AdoptOptions(backup_dir=backups), lambda _: None)
    before["refused"] = str(refused.value)
    before["after_refusal"] = data_checksums(url, columns)
    report = adopt(url, AdoptOptions(resolve=True, backup_dir=backups), lambda _: None)
    return url, report, before


def test_conflicts_are_reported_first_and_nothing_changes_until_resolve(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    _, report, before = adopted
    assert CANCELLED in before["refused"]
    assert KEPT in before["refused"]
    assert MERGED_CART in before["refused"]
    assert before["after_refusal"] == before["all"]
    assert report.backup is not None
    assert report.backup["check"] == "restore"
    assert report.backup["proven_on"]  # which server restored it: test_backup_proof


def test_no_row_of_the_original_is_lost(adopted: tuple[str, AdoptReport, dict[str, Any]]) -> None:
    url, _, before = adopted
    columns = before["columns"]
    after = original_columns(url)  # nothing dropped or renamed; vete's columns come after
    assert {t: cols[: len(columns[t])] for t, cols in after.items()} == columns
    assert data_checksums(url, columns, frozenset({CANCELLED, MERGED_CART})) == before["data"]


def test_the_later_of_the_overlapping_pair_is_cancelled_with_a_reason(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, report, before = adopted
    assert report.resolutions is not None
    listed = report.resolutions["cancelled_appointments"]
    assert [str(a["appointment_id"]) for a in listed] == [CANCELLED]
    assert listed[0]["owner_phone"] == "+595981111111"  # the clinic knows whom to call
    row = rows(url, "SELECT * FROM public.appointments WHERE id = %s", CANCELLED)[0]
    assert row["status"] == "cancelled"
    assert KEPT in row["cancellation_reason"]
    unchanged = {k: v for k, v in row.items() if k in before["cancelled"]}
    for key in ("status", "cancelled_at", "cancellation_reason", "updated_at"):
        unchanged.pop(key)
    assert unchanged == {k: before["cancelled"][k] for k in unchanged}
    log = rows(url, "SELECT * FROM vete.adopt_resolutions WHERE row_id = %s", CANCELLED)[0]
    assert log["old_values"]["status"] == "confirmed"


def test_repeated_cart_lines_merge_by_max_and_the_old_items_are_logged(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, _, before = adopted
    items = rows(url, "SELECT items FROM public.store_carts WHERE id = %s", MERGED_CART)[0]["items"]
    assert [(i["id"][-2:], i["quantity"]) for i in items] == [("01", 5), ("02", 1)]
    log = rows(url, "SELECT * FROM vete.adopt_resolutions WHERE row_id = %s", MERGED_CART)[0]
    assert log["old_values"]["items"] == before["cart"]["items"]


def test_vets_without_hours_get_defaults_in_the_clinic_zone(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, report, _ = adopted
    got = {(h["tenant_id"], h["source"], h["timezone"]) for h in report.default_hours}
    assert ("vetsur", "default", "America/Asuncion") in got
    assert ("adris", "services", "America/Asuncion") in got
    assert ("madrid", "services", "Europe/Madrid") in got
    assert {t["tenant_id"] for t in report.timezone_fallbacks} == {"luna", "vetsur"}
    hours = rows(
        url,
        "SELECT weekday, starts_at::text, ends_at::text FROM public.vet_working_hours"
        " WHERE vet_id = 'a0000000-0000-4000-8000-000000000021' ORDER BY weekday",
    )
    assert [(h["weekday"], h["starts_at"], h["ends_at"]) for h in hours] == [
        (d, "08:00:00", "18:00:00") for d in range(1, 6)
    ]


def test_one_overload_each_and_vete_history_baselined(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, report, _ = adopted
    counts = rows(
        url,
        "SELECT proname, count(*) AS n FROM pg_proc WHERE proname = ANY(%s) GROUP BY 1",
        list(THE_THREE),
    )
    assert {r["proname"]: r["n"] for r in counts} == dict.fromkeys(THE_THREE, 1)
    assert report.baseline == list(range(1, 14))
    events = rows(url, "SELECT count(*) AS n FROM vete.deploy_events WHERE kind = 'baseline'")
    assert events[0]["n"] == 13


def rpc(conn: psycopg.Connection[Any], user: str, call: str, args: dict[str, Any]) -> Any:
    """One PostgREST request: its own transaction, role authenticated, claims sub and role."""
    with conn.transaction():
        act_as(conn, user_id=user, role="authenticated")
        return conn.execute(call, args).fetchone()["r"]  # type: ignore[index]


def future_weekday(days_ahead: int, hour: int, minute: int = 0) -> dt.datetime:
    day = clock.days_ahead(dt.UTC, days_ahead)
    while day.isoweekday() > 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ASUNCION)


BOOK = (
    "SELECT public.book_appointment_atomic(p_tenant_id => %(t)s, p_pet_id => %(pet)s,"
    " p_service_id => %(svc)s, p_vet_id => %(vet)s, p_start_time => %(start)s,"
    " p_duration_minutes => 30, p_reason => 'control', p_notes => NULL, p_booked_by => %(by)s) AS r"
)


def test_the_three_functions_answer_the_original_callers(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, _, _ = adopted
    start = future_weekday(20, 9)
    args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": start, "by": OWNER}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        booked = rpc(conn, OWNER, BOOK, args)
        assert set(booked) == {"success", "appointment_id", "start_time", "end_time", "status"}
        assert booked["success"], booked
        assert booked["status"] == "scheduled"
        moved = rpc(
            conn,
            OWNER,
            "SELECT public.reschedule_appointment_atomic(p_appointment_id => %(a)s,"
            " p_new_start_time => %(s)s, p_user_id => %(u)s, p_is_staff => false) AS r",
            {"a": booked["appointment_id"], "s": start + dt.timedelta(hours=1), "u": OWNER},
        )
        assert moved["success"], moved
        assert moved["status"] == "scheduled"
        assert {"appointment_id", "old_start_time", "new_start_time", "new_end_time"} <= set(moved)
        product = "e0000000-0000-4000-8000-000000000002"
        merged = rpc(
            conn,
            "a0000000-0000-4000-8000-000000000012",
            "SELECT public.merge_cart_atomic(p_customer_id => %(c)s, p_tenant_id => 'adris',"
            " p_new_items => %(i)s) AS r",
            {
                "c": "a0000000-0000-4000-8000-000000000012",
                "i": json.dumps([{"id": product, "type": "product", "quantity": 2}]),
            },
        )
        assert merged["success"]
        assert merged["item_count"] == 1
        assert merged["items"][0]["quantity"] == 2
        assert merged["items"][0]["price"] == 60000
        taken = rpc(conn, OWNER, BOOK, {**args, "start": start + dt.timedelta(hours=1)})
        assert taken["error"] == "SLOT_UNAVAILABLE"


def test_32_clients_racing_for_one_slot_book_it_once(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, _, _ = adopted
    slots = [future_weekday(30, 9 + r // 2, 30 * (r % 2)) for r in range(12)]

    def action(_: int, conn: psycopg.Connection[Any], start: dt.datetime) -> Any:
        args = {"t": "adris", "pet": PET, "svc": SERVICE, "vet": VET, "start": start, "by": None}
        return rpc(conn, ADMIN, BOOK, args)

    def check(_: int, start: dt.datetime, results: list[Any]) -> None:
        wins = [r for r in results if isinstance(r, dict) and r.get("success")]
        codes = [r["error"] if isinstance(r, dict) else repr(r) for r in results if r not in wins]
        assert len(wins) == 1, codes
        assert codes == ["SLOT_UNAVAILABLE"] * 31, codes
        held = rows(
            url,
            "SELECT count(*) AS n FROM public.appointments WHERE vet_id = %s AND start_time = %s"
            " AND status NOT IN ('cancelled', 'no_show')",
            VET,
            start,
        )
        assert held[0]["n"] == 1

    race(url, clients=32, rounds=len(slots), setup=lambda r: slots[r], action=action, check=check)


DIRECT_INSERT = (
    "INSERT INTO public.appointments (tenant_id, pet_id, service_id, vet_id, start_time,"
    " end_time, duration_minutes, status) VALUES ('adris', %(pet)s, %(svc)s, %(vet)s, %(start)s,"
    " %(start)s + interval '30 minutes', 30, 'scheduled') RETURNING id"
)
MOVE_INTO = (
    "UPDATE public.appointments SET start_time = %(start)s,"
    " end_time = %(start)s + interval '30 minutes' WHERE id = %(id)s RETURNING id"
)


def test_bookings_direct_inserts_and_updates_racing_for_one_slot_leave_one(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """The adopted table has no exclusion constraint (docs/adopt.md, "At size"): its trigger
    must hold against vete's bookings, the original's direct INSERTs and staff UPDATEs at
    once, without a deadlock."""
    url, _, _ = adopted
    slots = [future_weekday(40, 9 + r // 2, 30 * (r % 2)) for r in range(10)]
    movers = range(24, 32)  # clients that move an appointment of their own into the slot

    def setup(r: int) -> tuple[dt.datetime, dict[int, str]]:
        own: dict[int, str] = {}
        with psycopg.connect(url, autocommit=True) as conn:
            for i in movers:  # each mover's appointment waits at an hour of its own
                start = future_weekday(200 + 7 * r, 8 + i - 24)
                args = {"pet": PET, "svc": SERVICE, "vet": VET, "start": start}
                own[i] = conn.execute(DIRECT_INSERT, args).fetchone()[0]  # type: ignore[index]
        return slots[r], own

    def action(
        i: int, conn: psycopg.Connection[Any], ctx: tuple[dt.datetime, dict[int, str]]
    ) -> Any:
        start, own = ctx
        if i < 12:
            args = {
                "t": "adris",
                "pet": PET,
                "svc": SERVICE,
                "vet": VET,
                "start": start,
                "by": None,
            }
            return rpc(conn, ADMIN, BOOK, args)
        with conn.transaction():
            if i in own:
                return conn.execute(MOVE_INTO, {"start": start, "id": own[i]}).fetchone()
            args = {"pet": PET, "svc": SERVICE, "vet": VET, "start": start}
            return conn.execute(DIRECT_INSERT, args).fetchone()

    def check(_: int, ctx: tuple[dt.datetime, dict[int, str]], results: list[Any]) -> None:
        start, _own = ctx
        won = [r for r in results if isinstance(r, dict) and (r.get("success") or "id" in r)]
        lost = sorted(
            {
                r["error"] if isinstance(r, dict) else type(r).__name__
                for r in results
                if r not in won
            }
        )
        assert len(won) == 1, lost
        assert set(lost) <= {"SLOT_UNAVAILABLE", "ExclusionViolation"}, lost
        held = rows(
            url,
            "SELECT count(*) AS n FROM public.appointments WHERE vet_id = %s"
            " AND start_time < %s + interval '30 minutes' AND end_time > %s"
            " AND status NOT IN ('cancelled', 'no_show') AND deleted_at IS NULL",
            VET,
            start,
            start,
        )
        assert held[0]["n"] == 1

    race(url, clients=32, rounds=len(slots), setup=setup, action=action, check=check)


RESCHEDULE = (
    "SELECT public.reschedule_appointment_atomic(p_appointment_id => %(a)s,"
    " p_new_start_time => %(s)s, p_user_id => %(u)s, p_is_staff => true) AS r"
)


def test_a_staff_update_and_a_vete_reschedule_of_one_appointment_do_not_deadlock(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """vete's reschedule takes the vet's lock, then the row; a direct UPDATE holds the row
    when the trigger wants the vet's lock: the trigger never queues for it, so neither side
    sees a deadlock (the UPDATE may be told to retry)."""
    url, _, _ = adopted

    def setup(r: int) -> tuple[str, dt.datetime, dt.datetime]:
        start = future_weekday(300 + 7 * r, 9)
        with psycopg.connect(url, autocommit=True) as conn:
            args = {"pet": PET, "svc": SERVICE, "vet": VET, "start": start}
            made = conn.execute(DIRECT_INSERT, args).fetchone()[0]  # type: ignore[index]
        return str(made), start + dt.timedelta(hours=1), start + dt.timedelta(hours=2)

    def action(
        i: int, conn: psycopg.Connection[Any], ctx: tuple[str, dt.datetime, dt.datetime]
    ) -> Any:
        made, by_vete, by_hand = ctx
        if i % 2 == 0:
            return rpc(conn, ADMIN, RESCHEDULE, {"a": made, "s": by_vete, "u": ADMIN})
        with conn.transaction():
            return conn.execute(MOVE_INTO, {"start": by_hand, "id": made}).fetchone()

    def check(_: int, ctx: tuple[str, dt.datetime, dt.datetime], results: list[Any]) -> None:
        vete_side = [r for i, r in enumerate(results) if i % 2 == 0]
        by_hand = [r for i, r in enumerate(results) if i % 2 == 1]
        assert all(isinstance(r, dict) and ("success" in r) for r in vete_side), vete_side
        assert not [
            r
            for r in by_hand
            if isinstance(r, Exception) and not isinstance(r, psycopg.errors.SerializationFailure)
        ], by_hand

    race(url, clients=4, rounds=12, setup=setup, action=action, check=check)


MERGE = (
    "SELECT public.merge_cart_atomic(p_customer_id => %(c)s, p_tenant_id => %(t)s,"
    " p_new_items => %(i)s) AS r"
)


def new_customer(url: str, tenant: str) -> str:
    customer = str(uuid.uuid4())
    rows(
        url,
        "INSERT INTO public.profiles (id, tenant_id, role, full_name)"
        " VALUES (%s, %s, 'owner', 'Cliente')",
        customer,
        tenant,
    )
    return customer


def test_8_devices_merging_a_first_cart_lose_nothing(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    url, _, _ = adopted
    products = [
        rows(
            url,
            "WITH p AS (INSERT INTO public.store_products (tenant_id, sku, name, price)"
            " VALUES ('adris', %s, %s, 1000) RETURNING id)"
            " INSERT INTO public.store_inventory (tenant_id, product_id, stock_quantity)"
            " SELECT 'adris', id, 1000 FROM p RETURNING product_id",
            f"RACE-{i}",
            f"race {i}",
        )[0]["product_id"]
        for i in range(8)
    ]
    rounds = 15

    def setup(_: int) -> str:
        return new_customer(url, "adris")

    def action(device: int, conn: psycopg.Connection[Any], customer: str) -> Any:
        items = [{"id": str(products[device]), "type": "product", "quantity": device + 1}]
        return rpc(conn, customer, MERGE, {"c": customer, "t": "adris", "i": json.dumps(items)})

    def check(_: int, customer: str, results: list[Any]) -> None:
        assert all(isinstance(r, dict) and r["success"] for r in results), results
        items = rows(url, "SELECT items FROM public.store_carts WHERE customer_id = %s", customer)
        got = {i["id"]: i["quantity"] for i in items[0]["items"]}
        assert got == {str(p): d + 1 for d, p in enumerate(products)}

    race(url, clients=8, rounds=rounds, setup=setup, action=action, check=check)


def test_adopting_again_changes_nothing(adopted: tuple[str, AdoptReport, dict[str, Any]]) -> None:
    url, _, before = adopted
    schema = schema_fingerprint(url)
    history = rows(url, "SELECT count(*) AS n FROM vete.schema_migrations")
    data = data_checksums(url, before["columns"])
    report = run_adopt(url, resolve=True)
    assert report.recognised["kind"] == "adopted"
    assert not report.changed
    assert schema_fingerprint(url) == schema
    assert rows(url, "SELECT count(*) AS n FROM vete.schema_migrations") == history
    assert data_checksums(url, before["columns"]) == data


def carlos_merges(url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    carlos = "a0000000-0000-4000-8000-000000000011"
    with psycopg.connect(url, row_factory=dict_row) as conn:
        answer: dict[str, Any] = rpc(
            conn, carlos, MERGE, {"c": carlos, "t": "adris", "i": json.dumps(items)}
        )
    return answer


def test_a_clinics_own_products_and_services_cost_the_originals_prices(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """Its migration 083: a product of the clinic costs coalesce(sale_price, base_price), a
    service services.base_price; the price the client sends is ignored."""
    url, _, _ = adopted
    food, collar = "e0000000-0000-4000-8000-000000000001", "e0000000-0000-4000-8000-000000000002"
    service_line = f"{SERVICE}-b0000000-0000-4000-8000-000000000011-std"
    merged = carlos_merges(
        url,
        [
            {"id": food, "type": "product", "price": 1, "quantity": 1},
            {"id": collar, "type": "product", "price": 1, "quantity": 1},
            {"id": service_line, "type": "service", "price": 1, "quantity": 1},
        ],
    )
    assert merged["success"], merged
    prices = {i["id"]: i["price"] for i in merged["items"]}
    assert prices == {food: 85000, collar: 60000, service_line: 150000}  # base, sale, service


PIPETTE = "e0000000-0000-4000-8000-000000000091"  # global; adris assigns it 42000; 10.5 in stock
SHAMPOO = "e0000000-0000-4000-8000-000000000092"  # global, no assignment: 30000; 3 in stock


def test_global_products_cost_the_clinics_assignment_price_else_their_own(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """The original's migration 083: a global product (tenant_id NULL) costs the clinic's
    active clinic_product_assignments.sale_price, else coalesce(sale_price, base_price);
    its stock is the clinic's inventory row, counted in whole units (10.5 sells 10)."""
    url, _, _ = adopted
    customer = new_customer(url, "adris")
    items = [
        {"id": PIPETTE.upper(), "type": "product", "price": 1, "quantity": 11},
        {"id": SHAMPOO, "type": "product", "quantity": 1},
    ]
    with psycopg.connect(url, row_factory=dict_row) as conn:
        merged = rpc(conn, customer, MERGE, {"c": customer, "t": "adris", "i": json.dumps(items)})
    assert merged["success"], merged
    got = {i["id"]: (i["price"], i["quantity"]) for i in merged["items"]}
    assert got == {PIPETTE: (42000, 10), SHAMPOO: (30000, 1)}  # the assignment's; the catalog's
    reasons = {a["id"]: a["reasons"] for a in merged["adjustments"]}
    assert reasons == {PIPETTE: ["STOCK_LIMIT", "PRICE_FROM_CATALOG"]}, merged["adjustments"]


def test_the_originals_price_rule_is_inlined_like_vetes(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """The adopted form of vete.store_product_offer stays plain SQL the planner inlines
    (tests/store/test_merge_rules_inlined.py checks vete's form): never called per line."""
    url, _, _ = adopted
    customer = new_customer(url, "adris")
    items = json.dumps([{"id": SHAMPOO, "type": "product", "quantity": 1}])
    with psycopg.connect(url, row_factory=dict_row) as conn, conn.transaction():
        conn.execute("SET LOCAL track_functions = 'all'")
        for _ in range(2):  # the engine creates the cart, then the fast path
            act_as(conn, user_id=customer, role="authenticated")
            conn.execute(MERGE, {"c": customer, "t": "adris", "i": items})
            conn.execute("RESET ROLE")
        calls = {r["funcname"]: r["calls"] for r in conn.execute(CALLS)}
    assert calls.get("store_cart_apply", 0) >= 1  # the counting works
    assert "store_product_offer" not in calls
    assert "store_catalog" not in calls


def test_a_global_product_checks_out_at_the_clinics_price_and_stock(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """Checkout re-prices with the same rule, names the line by the original's product key
    (vete-adopt 008) and takes the units from the clinic's numeric stock."""
    url, _, _ = adopted
    customer = new_customer(url, "adris")
    stock = "SELECT stock_quantity AS q FROM public.store_inventory WHERE product_id = %s"
    before = rows(url, stock, SHAMPOO)[0]["q"]
    items = [{"id": PIPETTE, "type": "product", "quantity": 2}]
    items.append({"id": SHAMPOO, "type": "product", "quantity": 1})
    with psycopg.connect(url, row_factory=dict_row) as conn:
        rpc(conn, customer, MERGE, {"c": customer, "t": "adris", "i": json.dumps(items)})
        order = rpc(
            conn,
            customer,
            "SELECT public.checkout_cart(p_tenant_id => 'adris', p_idempotency_key => 'g1') AS r",
            {},
        )
    assert order["success"], order
    assert Decimal(str(order["total"])) == 2 * 42000 + 30000
    lines = rows(
        url,
        "SELECT product_id::text AS p, unit_price, quantity FROM public.store_order_items"
        " WHERE order_id = %s ORDER BY line_no",
        order["order_id"],
    )
    assert [(r["p"], r["unit_price"], r["quantity"]) for r in lines] == [
        (PIPETTE, 42000, 2),
        (SHAMPOO, 30000, 1),
    ]
    assert rows(url, stock, SHAMPOO)[0]["q"] == before - 1
    assert rows(url, stock, PIPETTE)[0]["q"] == Decimal("8.5")  # 10.5 less the 2 sold


def test_a_clinic_without_the_global_products_stock_or_assignment_cannot_sell_it(
    adopted: tuple[str, AdoptReport, dict[str, Any]],
) -> None:
    """madrid has no inventory row for the global products (the original keeps one stock row
    per product, adris's) and cannot sell another clinic's own product."""
    url, _, _ = adopted
    customer = new_customer(url, "madrid")
    food = "e0000000-0000-4000-8000-000000000001"  # adris's own
    with psycopg.connect(url, row_factory=dict_row) as conn:

        def merge(items: list[dict[str, Any]]) -> dict[str, Any]:
            args = {"c": customer, "t": "madrid", "i": json.dumps(items)}
            answer: dict[str, Any] = rpc(conn, customer, MERGE, args)
            return answer

        merged = merge([{"id": SHAMPOO, "type": "product", "quantity": 1}])
        assert merged["success"], merged
        assert merged["items"] == []
        assert [(a["id"], a["reasons"]) for a in merged["adjustments"]] == [
            (SHAMPOO, ["OUT_OF_STOCK"])
        ]
        refused = merge([{"id": food, "type": "product", "quantity": 1}])
    assert refused["error"] == "ITEM_NOT_FOUND", refused
    assert [i["reason"] for i in refused["invalid_items"]] == ["PRODUCT_NOT_FOUND"]
