# ruff: noqa: E501, RUF002 -- the tables read best one row per line
"""The authorization matrix: every endpoint and SQL function × caller → the documented outcome.

One table in code. ``tests/security/test_matrix.py`` generates a test case per cell from it,
and ``scripts/render_matrix.py`` writes it into ``docs/reliability.md`` (a test checks the
docs are current), so the documentation, the tests and the behaviour cannot drift apart.

Cells read ``STATUS[ CODE][ #ROWS]`` for endpoints (``403 UNAUTHORIZED``, ``200 #2``: 200
with two rows in the answer), ``ok[ #ROWS]``, a business ``CODE``, or ``denied`` (no
EXECUTE privilege, SQLSTATE 42501) for SQL functions, and ``#ROWS`` or ``denied`` for
reads of tables and views. The target record always belongs to
María (owner at *adris*): her pet Firulais, her appointment, her cart.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Actor:
    """A caller: a demo user (or none) with a JWT role, relative to María's record at adris."""

    key: str
    user_id: UUID | None
    role: str
    who: str


ACTORS: tuple[Actor, ...] = (
    Actor("anon", None, "anon", "no token"),
    Actor("owner", UUID("a0000000-0000-4000-8000-000000000004"), "authenticated", "María: owner, own clinic, own record"),
    Actor("owner·other record", UUID("a0000000-0000-4000-8000-000000000005"), "authenticated", "Jorge: owner, own clinic, another owner's record"),
    Actor("owner·other clinic", UUID("b0000000-0000-4000-8000-000000000004"), "authenticated", "Sofía: owner at retiro only"),
    Actor("vet", UUID("a0000000-0000-4000-8000-000000000002"), "authenticated", "Carlos: vet at adris"),
    Actor("vet·other clinic", UUID("b0000000-0000-4000-8000-000000000002"), "authenticated", "Pablo: vet at retiro only"),
    Actor("admin", UUID("a0000000-0000-4000-8000-000000000001"), "authenticated", "Ana: admin at adris"),
    Actor("admin·other clinic", UUID("b0000000-0000-4000-8000-000000000001"), "authenticated", "Elena: admin at retiro only"),
    Actor("service", UUID("90000000-0000-4000-8000-000000000009"), "service_role", "service_role token (backend jobs)"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Row:
    """One operation and the expected outcome for each actor, in :data:`ACTORS` order."""

    name: str
    expected: tuple[str, ...]

    def cells(self) -> dict[str, str]:
        """Actor key → expected outcome."""
        return dict(zip((a.key for a in ACTORS), self.expected, strict=True))


#  cells, in ACTORS order:  anon, owner, owner·other record, owner·other clinic, vet,
#  vet·other clinic, admin, admin·other clinic, service
_ALL = ("200",) * 9
_SIGNED_IN = ("401",) + ("200",) * 8
_MEMBER = (
    "401",
    "{ok}",
    "{ok}",
    "403 UNAUTHORIZED",
    "{ok}",
    "403 UNAUTHORIZED",
    "{ok}",
    "403 UNAUTHORIZED",
    "{svc}",
)
_RECORD = (
    "401",
    "{own}",
    "{rec}",
    "404 NOT_FOUND",
    "200",
    "404 NOT_FOUND",
    "200",
    "404 NOT_FOUND",
    "200",
)


def _fill(cells: tuple[str, ...], **values: str) -> tuple[str, ...]:
    return tuple(c.format(**values) for c in cells)


def _rows(cells: tuple[str, ...], n: int) -> tuple[str, ...]:
    return tuple(c if c != "200" else f"200 #{n}" for c in cells)


ENDPOINTS: tuple[Row, ...] = (
    Row("GET /api/clinics", _rows(_ALL, 2)),
    Row("GET /api/clinics/{id}/services", _rows(_ALL, 4)),
    Row("GET /api/clinics/{id}/vets", _rows(_ALL, 2)),
    Row("GET /api/clinics/{id}/products", _rows(_ALL, 10)),
    Row("GET /api/clinics/{id}/availability", ("200 #68",) * 9),
    Row("GET /api/me", ("401",) + ("200 #1",) * 7 + ("200 #0",)),
    Row("GET /api/clinics/{id}/pets", ("401", "200 #2", "200 #1") + ("200 #0",) * 6),
    Row("GET /api/clinics/{id}/appointments/mine", ("401", "200 #1") + ("200 #0",) * 7),
    Row("GET /api/clinics/{id}/day", ("401", "403 FORBIDDEN", "403 FORBIDDEN", "403 FORBIDDEN", "200 #1", "403 FORBIDDEN", "200 #1", "403 FORBIDDEN", "200 #1")),
    Row("GET /api/appointments/{id}", _fill(_RECORD, own="200", rec="404 NOT_FOUND")),
    Row("POST /api/clinics/{id}/appointments", ("401", "201", "404 PET_NOT_FOUND", "403 UNAUTHORIZED", "201", "403 UNAUTHORIZED", "201", "403 UNAUTHORIZED", "201")),
    Row("POST /api/clinics/{id}/appointments duration_minutes=45", ("401", "403 DURATION_NOT_ALLOWED", "404 PET_NOT_FOUND", "403 UNAUTHORIZED", "201", "403 UNAUTHORIZED", "201", "403 UNAUTHORIZED", "201")),
    Row("POST /api/clinics/{id}/appointments start_time=9999-12-31T23:59-12:00", ("401",) + ("422",) * 8),
    Row("POST /api/appointments/{id}/reschedule", _fill(_RECORD, own="200", rec="403 UNAUTHORIZED")),
    Row("POST /api/appointments/{id}/cancel", _fill(_RECORD, own="200", rec="403 UNAUTHORIZED")),
    Row("POST /api/appointments/{id}/status confirmed", _fill(_RECORD, own="403 UNAUTHORIZED", rec="403 UNAUTHORIZED")),
    Row("GET /api/clinics/{id}/cart", _fill(_MEMBER, ok="200", svc="422")),
    Row("POST /api/clinics/{id}/cart/items", _fill(_MEMBER, ok="200", svc="422")),
    Row("PUT /api/clinics/{id}/cart/items/{type}/{item}", _fill(_MEMBER, ok="200", svc="422")),
    Row("DELETE /api/clinics/{id}/cart/items/{type}/{item}", _fill(_MEMBER, ok="200", svc="422")),
    Row("POST /api/clinics/{id}/cart/merge", _fill(_MEMBER, ok="200", svc="404 CUSTOMER_NOT_FOUND")),
    Row("POST /api/clinics/{id}/checkout", _fill(_MEMBER, ok="201", svc="422")),
    Row("GET /health", _ALL),
    # The operator's metrics token only (VETE_METRICS_TOKEN); no user's JWT, of any role.
    Row("GET /metrics", ("401",) * 9),
)  # fmt: skip

_MARIAS_CART = ("denied", "ok") + ("UNAUTHORIZED",) * 6 + ("ok",)
_ON_RECORD = (
    "denied",
    "{own}",
    "UNAUTHORIZED",
    "NOT_FOUND",
    "{staff}",
    "NOT_FOUND",
    "{staff}",
    "NOT_FOUND",
    "ok",
)

SQL_FUNCTIONS: tuple[Row, ...] = (
    Row("book_appointment_atomic", ("denied", "ok", "PET_NOT_FOUND", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok")),
    Row("book_appointment_atomic(p_booked_by=María)", ("denied", "ok") + ("UNAUTHORIZED",) * 6 + ("ok",)),
    Row("book_appointment_atomic(p_duration_minutes=45)", ("denied", "DURATION_NOT_ALLOWED", "PET_NOT_FOUND", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok")),
    Row("book_appointment_atomic(p_idempotency_key=María's)", ("denied", "IDEMPOTENCY_CONFLICT", "PET_NOT_FOUND", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok", "UNAUTHORIZED", "ok")),
    Row("reschedule_appointment_atomic(p_user_id=María, p_is_staff)", _fill(_ON_RECORD, own="UNAUTHORIZED", staff="UNAUTHORIZED")),
    Row("cancel_appointment", _fill(_ON_RECORD, own="ok", staff="ok")),
    Row("set_appointment_status(confirmed)", _fill(_ON_RECORD, own="UNAUTHORIZED", staff="ok")),
    Row("get_available_slots", ("ok",) * 9),
    Row("get_cart(p_customer_id=María)", _MARIAS_CART),
    Row("add_cart_item(p_customer_id=María)", _MARIAS_CART),
    Row("set_cart_item_quantity(p_customer_id=María)", _MARIAS_CART),
    Row("remove_cart_item(p_customer_id=María)", _MARIAS_CART),
    Row("clear_cart(p_customer_id=María)", _MARIAS_CART),
    Row("merge_cart_atomic(p_customer_id=María)", _MARIAS_CART),
    Row("checkout_cart(p_customer_id=María)", _MARIAS_CART),
)  # fmt: skip


#: Reads as PostgREST makes them (``SET LOCAL ROLE`` + claims, then a plain SELECT or
#: TRUNCATE): ``#ROWS`` seen, or ``denied`` (no privilege on the table or column, 42501).
#: Row-level security cannot hide columns: contact details and clinic settings are kept
#: from the API roles by privileges, and the vets' public face is the view clinic_vets.
TABLE_READS: tuple[Row, ...] = (
    Row("vets' email and phone (profiles, adris)", ("denied", "#0", "#0", "#0", "#2", "#0", "#2", "#0", "#2")),
    Row("owners' email and phone (profiles, adris)", ("denied", "#1", "#1", "#0", "#2", "#0", "#2", "#0", "#2")),
    Row("vets' names (clinic_vets, adris)", ("#2",) * 9),
    Row("clinic settings (tenants.settings)", ("denied",) * 8 + ("#2",)),
    Row("TRUNCATE appointments", ("denied",) * 9),
    Row("store_inventory of a product on sale", ("#1",) * 9),
    Row("store_inventory of a withdrawn product", ("#0", "#0", "#0", "#0", "#1", "#0", "#1", "#0", "#1")),
)  # fmt: skip


def render_markdown() -> str:
    """The matrix as Markdown tables (the block between the markers in docs/reliability.md)."""
    lines: list[str] = ["Callers (the record is María's, at *adris*):", ""]
    lines += [f"- **{a.key}** — {a.who} (JWT role `{a.role}`)" for a in ACTORS]
    tables = (("Endpoint", ENDPOINTS), ("SQL function", SQL_FUNCTIONS), ("Read", TABLE_READS))
    for title, rows in tables:
        lines += ["", f"| {title} | " + " | ".join(a.key for a in ACTORS) + " |"]
        lines.append("|---" * (len(ACTORS) + 1) + "|")
        lines += [f"| `{r.name}` | " + " | ".join(r.expected) + " |" for r in rows]
    return "\n".join(lines) + "\n"


#: Functions client roles may execute that are not rows above: read-only helpers the
#: policies, constraints and functions evaluate as the caller (identity readers, time-zone
#: and range arithmetic; all read-only and subject to row-level security). Trigger
#: functions and operator checks are no client's since 017 (``vete.intended_grants``)
#: (``test_every_callable_function_is_in_the_matrix``).
CLIENT_HELPERS: dict[str, set[str]] = {
    "auth.jwt": {"anon", "authenticated"},
    "auth.uid": {"anon", "authenticated"},
    "public.resolve_clinic_local_time": {"anon", "authenticated"},
    "vete.blocked_range": {"anon", "authenticated"},
    "vete.caller_role_in": {"anon", "authenticated"},
    "vete.clinic_zone": {"anon", "authenticated"},
    "vete.clock": {"anon", "authenticated"},
    "vete.clock_for": {"anon", "authenticated"},
    "vete.failure": {"anon", "authenticated"},
    "vete.is_active_status": {"anon", "authenticated"},
    "vete.is_service": {"anon", "authenticated"},
    "vete.is_staff_of": {"anon", "authenticated"},
    "vete.key_multirange": {"anon", "authenticated"},
    "vete.key_range": {"anon", "authenticated"},
    "vete.local_date": {"anon", "authenticated"},
    "vete.service_window": {"anon", "authenticated"},
    "vete.session_role": {"anon", "authenticated"},
    "vete.valid_timezone": {"anon", "authenticated"},
    "vete.vet_key": {"anon", "authenticated"},
    "vete.vet_time_off": {"anon", "authenticated"},
    "vete.vet_weekly": {"anon", "authenticated"},
    "vete.owns_pet": {"authenticated"},
    "vete.product_on_sale": {"anon", "authenticated"},
    "vete.sees_appointment": {"authenticated"},
    "vete.sees_order": {"authenticated"},
    # Not row-level security's: reads with its owner's rights, exactly public.clinic_vets'
    # names of one clinic, which every API role may read (tests/security/
    # test_contact_privacy.py); the view reads through it on Citus.
    "vete.clinic_vets_of": {"anon", "authenticated"},
    # PostgREST's pre-request on Citus: sends on the claims already set (changes no identity).
    "vete.forward_request_claims": {"anon", "authenticated"},
}
