"""PostgreSQL stopped hard under a mixed booking / cart / checkout load through the API.

Shared by ``tests/faults/test_crash_loop.py`` (CI: 2 stops) and ``scripts/crash_loop.py``
(10 stops). The cluster is a PRIVATE embedded PostgreSQL on a temporary data directory —
never the machine's shared server. Each round: load for a while, ``pg_ctl stop -m
immediate``, load against the dead database (every answer must be 503 with
``Retry-After``, never a 500), start it again, time until ``/health`` is 200, then check
every invariant with independent SQL and that every acknowledged write survived.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import uvicorn

from vete.api import Verifier, mint_token
from vete.app import create_app
from vete.db import connect
from vete.db.embedded import EmbeddedServer
from vete.demo import load_demo
from vete.proof.monitor import check_once
from vete.testing.plugin import apply_schema

SECRET = "crash-loop-secret-0123456789-0123456789"
CARLOS = "a0000000-0000-4000-8000-000000000002"
CONSULTA = "e0000000-0000-4000-8000-000000000001"
#: (user, pet) pairs at adris: owners book their own pets, Ana (admin) books for anyone.
BOOKERS = (
    ("a0000000-0000-4000-8000-000000000004", "c0000000-0000-4000-8000-000000000001"),
    ("a0000000-0000-4000-8000-000000000005", "c0000000-0000-4000-8000-000000000003"),
    ("a0000000-0000-4000-8000-000000000001", "c0000000-0000-4000-8000-000000000002"),
)

INVARIANTS = """
SELECT
  (SELECT count(*) FROM store_orders o WHERE NOT EXISTS (
      SELECT 1 FROM store_order_items i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id))
    AS orders_without_lines,
  (SELECT count(*) FROM store_orders o WHERE o.total <> (
      SELECT sum(line_total) FROM store_order_items i
      WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id)) AS orders_total_mismatch,
  (SELECT count(*) FROM store_orders o WHERE o.item_count <> (
      SELECT count(*) FROM store_order_items i
      WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id)) AS orders_count_mismatch
"""

SOLD_VS_STOCK = """
SELECT p.id::text AS product, inv.stock_quantity AS stock,
       coalesce((SELECT sum(i.quantity) FROM store_order_items i
                 WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id), 0) AS sold
FROM store_products p JOIN store_inventory inv
  ON inv.tenant_id = p.tenant_id AND inv.product_id = p.id
WHERE p.tenant_id = 'adris'
"""


@dataclass
class Tally:
    """What the clients saw, shared by the load threads."""

    statuses: Counter[int] = field(default_factory=Counter)
    bad: list[str] = field(default_factory=list)
    booked: set[str] = field(default_factory=set)
    ordered: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def see(self, r: httpx.Response) -> None:
        with self.lock:
            self.statuses[r.status_code] += 1
            if r.status_code >= 500 and (r.status_code != 503 or "retry-after" not in r.headers):
                self.bad.append(
                    f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:200]}"
                )


@dataclass
class Round:
    """One hard stop: requests during the outage and the time to answer again."""

    outage_statuses: dict[int, int]
    recovery_s: float
    invariants: dict[str, Any]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _slot(rng: random.Random) -> str:
    from datetime import date, timedelta

    day = date.today() + timedelta(days=rng.randint(7, 20))
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    hour = rng.choice((8, 9, 10, 11, 13, 14, 15, 16))
    minute = rng.choice((0, 30))
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00-03:00"


class CrashLoop:
    """The private cluster, the API on it, and the load."""

    def __init__(self, data_dir: Path, *, clients: int = 4) -> None:
        self.server = EmbeddedServer(data_dir)
        self.clients = clients
        self.tally = Tally()
        self.stop_load = threading.Event()
        self.db_down = threading.Event()
        self.outage = Tally()

    def setup(self) -> None:
        self.url = self.server.ensure_running()
        apply_schema(self.url)
        with psycopg.connect(self.url) as conn:
            load_demo(conn)
            conn.execute(
                "UPDATE store_inventory SET stock_quantity = 500 WHERE tenant_id = 'adris'"
            )
        with psycopg.connect(self.url) as conn:
            self.stock0 = {
                r[0]: 500
                for r in conn.execute(
                    "SELECT id::text FROM store_products WHERE tenant_id = 'adris'"
                )
            }
        self.products = sorted(self.stock0)
        app = create_app(
            self.url,
            verifier=Verifier(secret=SECRET),
            secret=SECRET,
            pool_size=4,
            pool_timeout_s=1.0,
        )
        self.port = _free_port()
        self.uvicorn = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None, access_log=False)
        )
        self.thread = threading.Thread(target=self.uvicorn.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.uvicorn.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for w in self.workers:
            w.start()

    def _client(self, index: int) -> None:
        rng = random.Random(index)
        user, pet = BOOKERS[index % len(BOOKERS)]
        headers = {"Authorization": "Bearer " + mint_token(SECRET, user_id=uuid.UUID(user))}
        with httpx.Client(base_url=self.base, headers=headers, timeout=10) as http:
            while not self.stop_load.is_set():
                down = self.db_down.is_set()
                for r in self._step(http, rng, pet):
                    (self.outage if down and self.db_down.is_set() else self.tally).see(r)

    def _step(self, http: httpx.Client, rng: random.Random, pet: str) -> list[httpx.Response]:
        seen: list[httpx.Response] = []
        try:
            kind = rng.random()
            if kind < 0.45:
                r = http.post(
                    "/api/clinics/adris/appointments",
                    json={
                        "pet_id": pet,
                        "service_id": CONSULTA,
                        "vet_id": CARLOS,
                        "start_time": _slot(rng),
                    },
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                )
                seen.append(r)
                if r.status_code == 201:
                    with self.tally.lock:
                        self.tally.booked.add(r.json()["appointment_id"])
            elif kind < 0.85:
                r = http.post(
                    "/api/clinics/adris/cart/items",
                    json={
                        "id": rng.choice(self.products),
                        "type": "product",
                        "quantity": rng.randint(1, 3),
                    },
                )
                seen.append(r)
            else:
                r = http.post(
                    "/api/clinics/adris/checkout", headers={"Idempotency-Key": uuid.uuid4().hex}
                )
                seen.append(r)
                if r.status_code == 201:
                    with self.tally.lock:
                        self.tally.ordered.add(r.json()["order_id"])
        except httpx.TransportError as exc:
            with self.tally.lock:
                self.tally.bad.append(f"transport error: {exc!r}")
        return seen

    def round(self, load_s: float, outage_s: float) -> Round:
        """Load, hard stop, load against the dead database, restart, time, check."""
        time.sleep(load_s)
        # The outage window is strictly the time the server is dead: marked after the stop
        # returned and unmarked before the restart begins, so no request that the live
        # server answered is counted in it.
        self.server.stop(mode="immediate")
        self.db_down.set()
        time.sleep(outage_s)
        self.db_down.clear()
        self.server.ensure_running()
        started = time.monotonic()
        with httpx.Client(base_url=self.base, timeout=5) as http:
            while http.get("/health").status_code != 200:
                assert time.monotonic() - started < 30, "the API did not answer again in 30 s"
                time.sleep(0.05)
        recovery = time.monotonic() - started
        return Round(dict(self.outage.statuses), recovery, self.invariants())

    def invariants(self) -> dict[str, Any]:
        """Every invariant, by SQL of its own; each value must be 0 (or empty)."""
        with self.tally.lock:
            booked, ordered = set(self.tally.booked), set(self.tally.ordered)
        with connect(self.url, autocommit=True) as dict_conn:
            run = check_once(dict_conn)
        with psycopg.connect(self.url, autocommit=True) as conn:
            found: dict[str, Any] = {
                c.name: c.count for c in run.checks if c.name != "deployed_functions"
            }
            row = conn.execute(INVARIANTS).fetchone()
            assert row is not None
            found.update(
                zip(
                    ("orders_without_lines", "orders_total_mismatch", "orders_count_mismatch"),
                    row,
                    strict=True,
                )
            )
            stock = conn.execute(SOLD_VS_STOCK).fetchall()
            found["sold_vs_stock_mismatch"] = [
                p for p, s, sold in stock if self.stock0[p] - s != sold
            ]
            have_appts = {
                r[0]
                for r in conn.execute(
                    "SELECT id::text FROM appointments WHERE id::text = ANY(%s)", [list(booked)]
                )
            }
            have_orders = {
                r[0]
                for r in conn.execute(
                    "SELECT id::text FROM store_orders WHERE id::text = ANY(%s)", [list(ordered)]
                )
            }
        found["acknowledged_appointments_lost"] = sorted(booked - have_appts)
        found["acknowledged_orders_lost"] = sorted(ordered - have_orders)
        found["acknowledged"] = {"appointments": len(booked), "orders": len(ordered)}
        return found

    def teardown(self) -> None:
        self.stop_load.set()
        for w in getattr(self, "workers", []):
            w.join(timeout=30)
        if hasattr(self, "uvicorn"):
            self.uvicorn.should_exit = True
            self.thread.join(timeout=10)
        self.server.stop(mode="immediate")


def violations(found: dict[str, Any]) -> dict[str, Any]:
    """The invariants that do not hold (everything but the acknowledged counts)."""
    return {k: v for k, v in found.items() if k != "acknowledged" and v not in (0, [], None)}
