"""``vete race``: run the concurrent scenarios in a clinic of their own, then remove it.

For each scenario every client (a connection and thread of its own, signed in as its own
owner) calls vete's SQL function at once, released by a barrier, for ``rounds`` rounds;
after each round an independent SQL query on the tables judges the invariant (no
overlapping active appointments of a vet, no lost or duplicated cart lines, never more
units sold than stocked, no negative stock). With ``compare_naive`` the booking and merge
scenarios also run against a deliberately naive implementation in a scratch schema.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from vete.db import connect
from vete.errors import InvalidInput
from vete.proof import naive, world
from vete.proof.harness import Crowd, Tally, percentile
from vete.proof.scenarios import (
    BOOKING,
    NAIVE_TWINS,
    SCENARIOS,
    Scenario,
    VeteBooking,
    VeteCart,
    booking_scenarios,
)
from vete.proof.store_races import checkout_scenario, merge_scenarios

MAX_CLIENTS = 64
#: Called after each round: (scenario label, rounds done in it).
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """What one scenario did: calls, answers by code, invariant violations, latency."""

    name: str
    implementation: str  # "vete" or "naive"
    attempts: int
    successes: int
    violations: int
    outcomes: dict[str, int]
    p50_ms: float
    p99_ms: float
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "implementation": self.implementation,
            "attempts": self.attempts,
            "successes": self.successes,
            "violations": self.violations,
            "outcomes": self.outcomes,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class RaceReport:
    """Every scenario's result. ``ok``: vete's scenarios had no violation."""

    tenant: str
    clients: int
    rounds: int
    scenarios: tuple[ScenarioResult, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(s.violations == 0 for s in self.scenarios if s.implementation == "vete")

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "clinic": self.tenant,
            "clients": self.clients,
            "rounds": self.rounds,
            "scenarios": [s.as_json() for s in self.scenarios],
        }


def label(name: str, implementation: str) -> str:
    """How a result is named: ``same-slot`` for vete's, ``naive/same-slot`` for the naive."""
    return name if implementation == "vete" else f"{implementation}/{name}"


def plan(scenarios: Sequence[str], *, compare_naive: bool) -> list[tuple[str, str]]:
    """(scenario, implementation) pairs in the order they run; unknown names refused."""
    chosen = list(dict.fromkeys(scenarios)) or list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        raise InvalidInput(
            f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}"
        )
    steps = [(s, "vete") for s in chosen]
    if compare_naive:
        steps += [(s, "naive") for s in chosen if s in NAIVE_TWINS]
    return steps


def run_race(
    url: str,
    *,
    clients: int,
    rounds: int,
    scenarios: Sequence[str] = (),
    compare_naive: bool = False,
    progress: Progress | None = None,
) -> RaceReport:
    """Create the race clinic, run the scenarios, remove the clinic (also on failure/Ctrl-C)."""
    if not 2 <= clients <= MAX_CLIENTS:
        raise InvalidInput(f"--clients must be between 2 and {MAX_CLIENTS}, not {clients}")
    if rounds < 1:
        raise InvalidInput(f"--rounds must be at least 1, not {rounds}")
    steps = plan(scenarios, compare_naive=compare_naive)
    tick = progress or (lambda _label, _done: None)
    results: list[ScenarioResult] = []
    tenant = world.new_tenant_id()
    with connect(url) as admin:
        world.require_schema(admin)
        try:
            clinic = world.create_clinic(admin, tenant, clients=clients, vets=list(BOOKING))
            vete_steps = [s for s, impl in steps if impl == "vete"]
            with Crowd(url, clients) as crowd:
                built = booking_scenarios(admin, clinic, VeteBooking(clinic), clients)
                built |= merge_scenarios(
                    admin,
                    clinic,
                    VeteCart(clinic),
                    rounds,
                    names=tuple(s for s in vete_steps if s.startswith("cart-merge")),
                )
                if "last-units-checkout" in vete_steps:
                    built["last-units-checkout"] = checkout_scenario(admin, clinic, clients)
                for name in vete_steps:
                    results.append(_run(crowd, admin, built[name], "vete", rounds, tick))
            naive_steps = [s for s, impl in steps if impl == "naive"]
            if naive_steps:
                results += _run_naive(url, admin, clinic, naive_steps, clients, rounds, tick)
        finally:
            world.remove_clinic(admin, tenant)
    return RaceReport(tenant=tenant, clients=clients, rounds=rounds, scenarios=tuple(results))


def _run_naive(
    url: str,
    admin: Any,
    clinic: world.RaceClinic,
    names: list[str],
    clients: int,
    rounds: int,
    tick: Progress,
) -> list[ScenarioResult]:
    with naive.scratch_schema(url) as schema:
        option = naive.search_path_option(schema)
        with (
            connect(url, options=option) as checker,
            Crowd(url, clients, options=option) as crowd,
        ):
            built = booking_scenarios(checker, clinic, naive.NaiveBooking(), clients)
            built |= merge_scenarios(
                checker,
                clinic,
                naive.NaiveCart(),
                rounds,
                names=tuple(s for s in names if s.startswith("cart-merge")),
            )
            return [_run(crowd, checker, built[name], "naive", rounds, tick) for name in names]


def _run(
    crowd: Crowd, admin: Any, scenario: Scenario, implementation: str, rounds: int, tick: Progress
) -> ScenarioResult:
    tally = Tally()
    for round_no in range(rounds):
        context = scenario.setup(round_no)
        calls = crowd.round(scenario.action, context)
        tally.add(calls)
        scenario.judge(round_no, context, calls, tally)
        tick(label(scenario.name, implementation), round_no + 1)
    return ScenarioResult(
        name=label(scenario.name, implementation),
        implementation=implementation,
        attempts=sum(tally.outcomes.values()),
        successes=tally.outcomes.get("success", 0),
        violations=tally.violations,
        outcomes=dict(sorted(tally.outcomes.items())),
        p50_ms=round(percentile(tally.latencies_ms, 50), 2),
        p99_ms=round(percentile(tally.latencies_ms, 99), 2),
        notes=tuple(tally.notes),
    )
