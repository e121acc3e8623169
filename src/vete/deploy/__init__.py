"""vete's deployer: the production runbook as one command, behind one public surface.

The CLI (``vete db …``, ``vete serve``), the test plugin and the benchmarks use only the
names below; the modules of this package (``runner``, ``apply``, ``maintain``, ``state``,
``redefine`` …) are its internals and may change shape freely. ``tests/deploy/
test_public_api.py`` pins ``__all__``, so widening the surface is a deliberate act.

    from vete import deploy
    report = deploy.deploy(url, deploy.vete_source(), deploy.DeployOptions(), progress)
"""

from __future__ import annotations

from vete.deploy.adopt import ADOPT_TIMEOUTS, AdoptOptions, AdoptReport, adopt
from vete.deploy.apply import Timeouts, statements
from vete.deploy.backup import Check, restore_into, sha256_of, take_backup
from vete.deploy.distribute import DistributeReport, distribute
from vete.deploy.files import MigrationSet
from vete.deploy.lint import Finding as LintFinding
from vete.deploy.lint import lint_migration
from vete.deploy.maintain import VerifyReport, revert, revert_definition, verify
from vete.deploy.plpgsql_check import NO_SERVER as CHECKER_NO_SERVER
from vete.deploy.plpgsql_check import Availability as CheckerAvailability
from vete.deploy.plpgsql_check import Finding as CheckerFinding
from vete.deploy.plpgsql_check import availability as checker_availability
from vete.deploy.queries import history as _history
from vete.deploy.redefine import DefinitionState, label_of
from vete.deploy.redefine import states as definition_states
from vete.deploy.redefine import to_apply as definitions_to_apply
from vete.deploy.runner import (
    DeployOptions,
    DeployReport,
    Progress,
    apply_all,
    apply_definitions,
    deploy,
    deploy_connection,
    ensure_history,
    grants_required,
    lint_pending,
    pending_of,
    record_event,
    target_json,
)
from vete.deploy.source import Source, source_for, vete_source
from vete.deploy.state import MigrationState, applied_rows, applied_rows_work, compare

#: ``history_events(conn, limit=N)``: the deploy history, newest first.
history_events = _history.events

__all__ = [
    "ADOPT_TIMEOUTS",
    "CHECKER_NO_SERVER",
    "AdoptOptions",
    "AdoptReport",
    "Check",
    "CheckerAvailability",
    "CheckerFinding",
    "DefinitionState",
    "DeployOptions",
    "DeployReport",
    "DistributeReport",
    "LintFinding",
    "MigrationSet",
    "MigrationState",
    "Progress",
    "Source",
    "Timeouts",
    "VerifyReport",
    "adopt",
    "applied_rows",
    "applied_rows_work",
    "apply_all",
    "apply_definitions",
    "checker_availability",
    "compare",
    "definition_states",
    "definitions_to_apply",
    "deploy",
    "deploy_connection",
    "distribute",
    "ensure_history",
    "grants_required",
    "history_events",
    "label_of",
    "lint_migration",
    "lint_pending",
    "pending_of",
    "record_event",
    "restore_into",
    "revert",
    "revert_definition",
    "sha256_of",
    "source_for",
    "statements",
    "take_backup",
    "target_json",
    "verify",
    "vete_source",
]
