"""The merge's rules cost no call at run time (issue 14).

The engine (``vete.store_cart_apply``) and its fast path (``vete.store_cart_merge_fast``)
share the line rules (``definitions/store/store_line_rules.sql``), the product probe
(``store_product_offer``) and the canonical ids; the planner inlines them into each
statement. A rule that stopped being inlinable (a SET clause, STRICT, an argument
expression used twice) would be called once per line, on the hot path. PostgreSQL counts
the calls it makes with ``track_functions = 'all'``; inlined functions are never called.
"""

from __future__ import annotations

from psycopg.types.json import Jsonb

from tests.store.conftest import Conn, item, make_shop

INLINED = (
    "store_new_quantity",
    "store_stored_quantity",
    "store_requested",
    "store_clamped",
    "store_adjustment_reasons",
    "store_product_offer",
    "store_service_offer",
    "store_merge_answer",
    "store_catalog",
    "store_line_id",
    "store_parse_uuid",
)
CALLS = (
    "SELECT funcname, calls FROM pg_stat_xact_user_functions"
    " WHERE schemaname = 'vete' AND funcname LIKE 'store%%'"
)


def test_the_shared_rules_are_inlined_in_the_engine_and_the_fast_path(admin: Conn) -> None:
    shop = make_shop(admin, "inlined", customers=1, products=5)
    customer = shop.customers[0]
    lines = Jsonb([item(p, 3, price=1) for p in shop.products])
    merge = "SELECT merge_cart_atomic(p_customer_id => %s, p_tenant_id => %s, p_new_items => %s)"
    with admin.transaction(force_rollback=True):
        admin.execute("SET LOCAL track_functions = 'all'")
        for _ in range(3):  # the first write creates the cart (engine), the others: fast path
            admin.execute(merge, [customer, shop.tenant, lines])
        admin.execute(
            "SELECT vete.store_cart_apply(%s, %s, %s, 'sum')", [shop.tenant, customer, lines]
        )
        calls = {r["funcname"]: r["calls"] for r in admin.execute(CALLS).fetchall()}
    # Both paths ran (so the counting works) ...
    assert calls.get("store_cart_merge_fast", 0) >= 2
    assert calls.get("store_cart_apply", 0) >= 2
    # ... and none of the rules was called.
    assert {name: calls[name] for name in INLINED if name in calls} == {}
