"""``vete demo``: load the demo dataset into the current database."""

from __future__ import annotations

from dataclasses import asdict

import typer

from vete.cli.output import console, print_json
from vete.db import connect, resolve_database_url
from vete.demo import DEMO_USERS, load_demo


def demo_cmd(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
) -> None:
    """Load the demo: two clinics (America/Asuncion and Europe/Madrid), vets with weekly
    hours and lunch breaks, owners with pets, services, and store products with stock.
    Safe to run again. Needs vete's schema: run `vete db deploy` first.
    """
    with connect(resolve_database_url()) as conn:
        summary = load_demo(conn)
    if as_json:
        print_json({"loaded": asdict(summary), "users": sorted(DEMO_USERS)})
        return
    console.print(
        f"demo loaded: {summary.clinics} clinics, {summary.profiles} profiles, "
        f"{summary.pets} pets, {summary.services} services, {summary.hours} weekly hours, "
        f"{summary.products} products"
    )
    for email, memberships in DEMO_USERS.items():
        where = ", ".join(f"{role} at {clinic}" for clinic, role in memberships)
        console.print(f"  {email:<20} {where}")
