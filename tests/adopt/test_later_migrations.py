"""Adopt ends as vete's own deploy does: vete's later migrations (014 on) and every
definition file, recorded once in vete's history, so the next deploy has nothing to do;
and the store's hardening (015) holds there: the original's tables, vete's functions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.adopt.conftest import load_original, rows, run_adopt
from vete.deploy import runner
from vete.deploy.adopt import AdoptReport
from vete.deploy.source import vete_source
from vete.session import act_as

OWNER = "a0000000-0000-4000-8000-000000000010"
FOOD = "e0000000-0000-4000-8000-000000000001"  # adris
COLLAR = "e0000000-0000-4000-8000-000000000002"  # adris


@pytest.fixture(scope="module")
def adopted(database_factory: Callable[..., str]) -> tuple[str, AdoptReport]:
    url = load_original(database_factory(empty=True))
    return url, run_adopt(url, resolve=True)


@pytest.fixture(scope="module")
def deployed(adopted: tuple[str, AdoptReport]) -> tuple[str, runner.DeployReport]:
    url, _ = adopted
    report = runner.deploy(
        url, vete_source(), runner.DeployOptions(yes=True, backup=False), lambda *_: None
    )
    return url, report


def as_owner(url: str, sql: str, *params: Any) -> Any:
    with psycopg.connect(url) as conn:
        act_as(conn, user_id=OWNER, role="authenticated")
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def test_adopt_applies_the_later_migrations_and_every_definition_once(
    adopted: tuple[str, AdoptReport], deployed: tuple[str, runner.DeployReport]
) -> None:
    _, adopt_report = adopted
    _, report = deployed
    mset = vete_source().load()
    newest = max(m.version for m in mset.migrations)
    assert adopt_report.baseline == list(range(1, 14))
    assert [m["version"] for m in adopt_report.later] == list(range(14, newest + 1))
    applied = [d["definition"] for d in adopt_report.definitions]
    assert sorted(applied) == sorted(d.key for d in mset.definitions)
    assert report.applied == []
    assert report.definitions == []


def test_spellings_of_one_product_cannot_oversell_it(
    deployed: tuple[str, runner.DeployReport],
) -> None:
    url, _ = deployed
    with psycopg.connect(url) as conn:
        conn.execute(
            "UPDATE store_inventory SET stock_quantity = 3, reserved_quantity = 0"
            " WHERE product_id = %s",
            [FOOD],
        )
    as_owner(url, "SELECT clear_cart(p_tenant_id => 'adris')")
    items = [{"id": s, "type": "product", "quantity": 3} for s in (FOOD, FOOD.upper())]
    merged = as_owner(
        url,
        "SELECT merge_cart_atomic(p_customer_id => %s, p_tenant_id => 'adris',"
        " p_new_items => %s::jsonb, p_policy => 'sum')",
        OWNER,
        json.dumps(items),
    )
    placed = as_owner(
        url, "SELECT checkout_cart(p_tenant_id => 'adris', p_idempotency_key => 'adopted-015')"
    )
    assert placed["success"] is True, placed
    sold = rows(
        url,
        "SELECT (SELECT coalesce(sum(quantity), 0)::int FROM store_order_items"
        "         WHERE product_id = %s) AS sold,"
        "       (SELECT stock_quantity FROM store_inventory WHERE product_id = %s) AS stock",
        FOOD,
        FOOD,
    )[0]
    assert sold == {"sold": 3, "stock": 0}
    assert [(x["id"], x["quantity"]) for x in merged["items"]] == [(FOOD, 3)]


def test_anon_reads_the_stock_of_products_on_sale_only(
    deployed: tuple[str, runner.DeployReport],
) -> None:
    url, _ = deployed
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE store_products SET is_active = false WHERE id = %s", [COLLAR])
    with psycopg.connect(url) as conn:
        act_as(conn, user_id=None, role="anon")
        seen = {
            str(r[0])
            for r in conn.execute(
                "SELECT product_id FROM store_inventory WHERE tenant_id = 'adris'"
            )
        }
    assert FOOD in seen
    assert COLLAR not in seen
