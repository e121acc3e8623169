"""``vete db distribute``: vete's tables on a Citus coordinator (docs/scale-out.md)."""

from __future__ import annotations

from vete import deploy as deployer
from vete.cli.common import JSON_OPT
from vete.cli.output import console, print_json
from vete.db import resolve_database_url


def distribute(as_json: bool = JSON_OPT) -> None:
    """Distribute vete's tables by clinic on a Citus coordinator (idempotent).

    Tenant tables are distributed by tenant_id, colocated with tenants; lookup tables become
    reference tables; the deployer's bookkeeping stays on the coordinator. Refuses a target
    that is not a Citus coordinator with an active worker (exit 23).
    """
    report = deployer.distribute(resolve_database_url())
    if as_json:
        print_json(report.as_json())
        return
    console.print(
        f"Citus {report.citus_version}, workers {', '.join(report.workers)}: "
        + ("[green]distributed[/]" if report.changed else "already distributed, nothing to do")
    )
    for step in report.tables:
        console.print(f"  {step.table:<40} {step.kind:<12} {step.action}")
    console.print(f"  no-overlap constraint: {report.overlap_constraint}")
    console.print(f"  btree_gist: {report.btree_gist}")
    for line in report.api_roles:
        console.print(f"  API roles on {line}")
    console.print(f"  functions: {report.functions}")
