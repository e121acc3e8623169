"""The seams of docs/architecture.md, checked on the source: who may import whom, and where
configuration is read.

Imports are read with ``ast`` from every module under ``src/vete`` (a module-level import
and one inside a function alike).
"""

from __future__ import annotations

import ast
from pathlib import Path

import vete

SRC = Path(vete.__file__).parent


def imports() -> dict[str, set[str]]:
    """``vete.api.app`` → the vete modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        module = ".".join(("vete", *path.relative_to(SRC).with_suffix("").parts))
        module = module.removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        found[module] = {n for n in names if n == "vete" or n.startswith(("vete.", "tests"))}
    return found


def reaching(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {name}"
        for module, names in imports().items()
        if module == package or module.startswith(package + ".")
        for name in names
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def test_the_api_does_not_know_the_pages() -> None:
    assert reaching("vete.api", ("vete.web", "vete.app", "vete.cli")) == []


def test_the_domain_knows_no_interface() -> None:
    for package in ("vete.booking", "vete.store", "vete.reads", "vete.db", "vete.session"):
        assert reaching(package, ("vete.api", "vete.web", "vete.cli", "vete.app")) == []


def test_the_migrations_are_data() -> None:
    assert [n for n in imports()["vete.migrations"] if n.startswith("vete")] == []


def test_the_deployer_is_used_through_its_public_surface() -> None:
    import vete.deploy

    public = {f"vete.deploy.{name}" for name in vete.deploy.__all__} | {"vete.deploy"}
    outside = [
        f"{module} imports {name}"
        for module, names in imports().items()
        if not module.startswith("vete.deploy")
        for name in names
        if name.startswith("vete.deploy.") and name not in public
    ]
    assert outside == []


def test_src_ships_no_test_code() -> None:
    assert [
        f"{m} imports {n}" for m, names in imports().items() for n in names if n.startswith("tests")
    ] == []


def test_configuration_is_read_only_through_settings() -> None:
    readers = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "getenv(" in text or "os.environ[" in text or "os.environ.get(" in text:
            readers.append(str(path.relative_to(SRC)))
    assert readers == []
