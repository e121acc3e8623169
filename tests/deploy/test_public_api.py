"""The deployer's public surface is pinned: the CLI, the API, the proofs, the test plugin
and the benchmarks use only ``vete.deploy``'s ``__all__``; its modules are internals (as
httpx tests its public API)."""

from __future__ import annotations

import ast
from pathlib import Path

import vete.cli
import vete.deploy

PUBLIC = [
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


def test_the_public_surface_is_exactly_this() -> None:
    assert vete.deploy.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(vete.deploy, name) is not None, name


def test_the_cli_imports_only_the_public_surface() -> None:
    reached: list[str] = []
    for path in sorted(Path(vete.cli.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("vete.deploy."):
                reached.append(f"{path.name}: from {node.module} import …")
            elif isinstance(node, ast.ImportFrom) and node.module == "vete.deploy":
                reached += [
                    f"{path.name}: {a.name}"
                    for a in node.names
                    if a.name not in vete.deploy.__all__
                ]
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "deployer"
                and node.attr not in vete.deploy.__all__
            ):
                reached.append(f"{path.name}: deployer.{node.attr}")
            elif isinstance(node, ast.Import):
                reached += [
                    f"{path.name}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("vete.deploy.")
                ]
    assert reached == []
