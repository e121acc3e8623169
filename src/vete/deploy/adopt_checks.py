"""What ``vete db adopt`` finds before it changes anything: what the database is, and its conflicts.

A database is ``original`` when it has the original platform's tables with the columns
vete's code reads and its three functions; ``adopted`` when the ``vete-adopt`` set is
fully applied; ``vete`` when vete's own migrations were deployed to it; ``empty`` when
schema public has no tables; anything else is ``unknown`` and adopt refuses it, saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosql
import psycopg

from vete.deploy import adopt_overlaps
from vete.deploy.adopt_set import ADOPT_SET, ORIGINAL_TABLES, included_versions, load_adopt_set
from vete.deploy.queries import history
from vete.deploy.source import VETE_SET

_SQL = Path(__file__).parent / "sql"
checks: Any = aiosql.from_path(_SQL / "adopt_checks.sql", "psycopg")
resolutions: Any = aiosql.from_path(_SQL / "adopt_resolve.sql", "psycopg")

ORIGINAL_FUNCTIONS = (
    "book_appointment_atomic",
    "reschedule_appointment_atomic",
    "merge_cart_atomic",
)

#: The columns of the original's tables that vete's functions and adopt itself read; no
#: other column, table, trigger or policy of the original is required (or touched). Prices:
#: vete reads store_products.price, which adopt derives from base_price and sale_price.
REQUIRED_COLUMNS: dict[str, list[str]] = {
    "tenants": ["id", "name", "settings"],
    "profiles": ["id", "tenant_id", "role", "full_name", "email", "phone", "deleted_at"],
    "pets": ["id", "tenant_id", "owner_id", "name", "deleted_at"],
    "services": [
        "id", "tenant_id", "name", "base_price", "duration_minutes", "buffer_minutes",
        "available_days", "available_start_time", "available_end_time", "is_active", "deleted_at",
    ],
    "appointments": [
        "id", "tenant_id", "pet_id", "service_id", "vet_id", "start_time", "end_time",
        "duration_minutes", "status", "reason", "notes", "created_by", "confirmed_at",
        "checked_in_at", "started_at", "completed_at", "cancelled_at", "cancelled_by",
        "cancellation_reason", "deleted_at", "created_at", "updated_at",
    ],
    "store_products": [
        "id", "tenant_id", "name", "base_price", "sale_price", "is_active", "deleted_at",
    ],
    "store_inventory": [
        "tenant_id", "product_id", "stock_quantity", "reserved_quantity", "updated_at",
    ],
    "store_carts": ["id", "tenant_id", "customer_id", "items", "created_at", "updated_at"],
}  # fmt: skip
assert set(REQUIRED_COLUMNS) == ORIGINAL_TABLES


@dataclass(frozen=True, slots=True)
class Recognition:
    """What the database is, and the evidence."""

    kind: str  # original | adopted | vete | empty | unknown
    reasons: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    adopt_applied: int = 0  # vete-adopt migrations already recorded (a resumed adopt)
    found: str = ""  # what the database holds instead, for a refusal

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reasons": list(self.reasons),
            "functions": list(self.functions),
            "found": self.found,
        }


def recognise(conn: psycopg.Connection[Any]) -> Recognition:
    sets: dict[str, dict[str, Any]] = {}
    if history.history_exists(conn):
        sets = {r["migration_set"]: r for r in checks.history_sets(conn)}
    adopted = int(sets.get(ADOPT_SET, {}).get("migrations", 0))
    baselined = int(sets.get(VETE_SET, {}).get("baselines", 0))
    # Adopted only once its last transaction (the baseline) committed too: an adopt killed
    # between its last migration and the baseline is resumed, not taken for finished.
    if adopted >= len(load_adopt_set().migrations) and baselined >= len(included_versions()):
        return Recognition("adopted", ("every vete-adopt migration and the baseline are recorded",))
    if VETE_SET in sets and not sets[VETE_SET]["baselines"]:
        return Recognition("vete", ("vete's migrations were deployed here: use `vete db deploy`",))
    tables = {r["name"] for r in checks.public_tables(conn)}
    if not tables:
        return Recognition("empty", ("schema public has no tables",))
    reasons = [f"table public.{t} is missing" for t in sorted(ORIGINAL_TABLES - tables)]
    present = {t: cols for t, cols in REQUIRED_COLUMNS.items() if t in tables}
    reasons += [
        f"column public.{r['table_name']}.{r['column_name']} is missing"
        for r in checks.missing_columns(conn, required=json.dumps(present))
    ]
    signatures = [
        r["signature"] for r in checks.function_signatures(conn, names=list(ORIGINAL_FUNCTIONS))
    ]
    found = {s.split("(", 1)[0] for s in signatures}
    if not adopted:
        reasons += [f"function public.{f} is missing" for f in ORIGINAL_FUNCTIONS if f not in found]
    if not reasons:
        return Recognition("original", (), tuple(signatures), adopted)
    return Recognition("unknown", tuple(reasons), tuple(signatures), adopted, _found(tables, found))


def _found(tables: set[str], functions: set[str]) -> str:
    """What a refused database holds: which of the original's tables and functions, and the rest."""
    theirs = sorted(tables & ORIGINAL_TABLES)
    others = sorted(tables - ORIGINAL_TABLES)
    shown = ", ".join(others[:8]) + (f" and {len(others) - 8} more" if len(others) > 8 else "")
    return (
        f"found {len(theirs)} of the original's {len(ORIGINAL_TABLES)} tables"
        + (f" ({', '.join(theirs)})" if theirs else "")
        + f", {len(others)} other table(s) in public"
        + (f" ({shown})" if others else "")
        + f", {len(functions)} of its {len(ORIGINAL_FUNCTIONS)} functions"
    )


@dataclass(frozen=True, slots=True)
class Conflicts:
    """Rows that break a rule vete is about to enforce, one entry per row or pair."""

    overlaps: tuple[dict[str, Any], ...] = ()
    repeated_lines: tuple[dict[str, Any], ...] = ()
    negative_stock: tuple[dict[str, Any], ...] = ()

    @property
    def count(self) -> int:
        return len(self.overlaps) + len(self.repeated_lines) + len(self.negative_stock)

    def as_json(self) -> dict[str, Any]:
        return {
            "overlapping_appointments": list(self.overlaps),
            "repeated_cart_lines": list(self.repeated_lines),
            "negative_stock": list(self.negative_stock),
        }

    def lines(self) -> list[str]:
        """One human sentence per conflicting row or pair."""
        out = [
            f"{o['tenant_id']}: vet {o['vet_name'] or o['vet_id']} has appointment {o['first_id']}"
            f" ({o['first_start']:%Y-%m-%d %H:%M}-{o['first_end']:%H:%M} UTC, {o['first_status']},"
            f" created {o['first_created']:%Y-%m-%d %H:%M:%S}) overlapping {o['second_id']}"
            f" ({o['second_start']:%Y-%m-%d %H:%M}-{o['second_end']:%H:%M} UTC,"
            f" {o['second_status']}, created {o['second_created']:%Y-%m-%d %H:%M:%S})"
            for o in self.overlaps
        ]
        out += [
            f"{r['tenant_id']}: cart {r['cart_id']} of customer {r['customer_id']} has"
            f" {r['lines']} lines for {r['item_type']} {r['item_id']}"
            f" (quantities {r['quantities']})"
            for r in self.repeated_lines
        ]
        out += [
            f"{r['tenant_id']}: product {r['product_name'] or r['product_id']} has stock"
            f" {r['stock_quantity']}"
            for r in self.negative_stock
        ]
        return out


def find_conflicts(conn: psycopg.Connection[Any]) -> Conflicts:
    """Read-only: overlapping active appointments, repeated cart lines, negative stock."""
    return Conflicts(
        overlaps=adopt_overlaps.find_overlaps(conn),
        repeated_lines=tuple(checks.repeated_cart_lines(conn)),
        negative_stock=tuple(checks.negative_stock(conn)),
    )


@dataclass(frozen=True, slots=True)
class Resolutions:
    """What --resolve changed (each also in vete.adopt_resolutions with its old values)."""

    run_id: str
    cancelled: tuple[dict[str, Any], ...] = field(default=())
    merged_carts: tuple[dict[str, Any], ...] = field(default=())
    zeroed_stock: tuple[dict[str, Any], ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "cancelled_appointments": list(self.cancelled),
            "merged_carts": list(self.merged_carts),
            "zeroed_stock": list(self.zeroed_stock),
        }


def resolve(conn: psycopg.Connection[Any], run_id: str) -> Resolutions:
    """Apply the documented resolution in one transaction; nothing is deleted."""
    with conn.transaction():
        resolutions.create_resolution_log(conn)
        return Resolutions(
            run_id=run_id,
            cancelled=adopt_overlaps.cancel_later_overlaps(conn, run_id),
            merged_carts=tuple(resolutions.merge_repeated_cart_lines(conn, run_id=run_id)),
            zeroed_stock=tuple(resolutions.zero_negative_stock(conn, run_id=run_id)),
        )
