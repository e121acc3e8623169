"""Which migrations a command acts on: vete's own, or a folder given with ``--dir``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vete.deploy.definitions import check_migration_requires, load_definitions
from vete.deploy.files import MigrationSet, load_migrations
from vete.migrations import MIGRATIONS_DIR

VETE_SET = "vete"


@dataclass(frozen=True, slots=True)
class Source:
    """A folder of ``NNN_name.sql`` files and the name its history is kept under."""

    directory: Path
    set_name: str
    loader: Callable[[], MigrationSet] | None = None  # a set built in code (vete-adopt)

    def load(self) -> MigrationSet:
        """The versioned files, and the folder's ``definitions/`` tree (definitions.py)."""
        if self.loader is not None:
            return self.loader()
        mset = load_migrations(self.directory)
        definitions = load_definitions(self.directory)
        check_migration_requires(mset.migrations, definitions)
        return dataclasses.replace(mset, definitions=definitions)


def vete_source() -> Source:
    return Source(directory=MIGRATIONS_DIR, set_name=VETE_SET)


def source_for(directory: Path | None, set_name: str | None = None) -> Source:
    """``--dir`` folders keep their history under their own name (or ``--set``)."""
    if directory is None and set_name == "vete-adopt":
        from vete.deploy.adopt_set import adopt_source

        return adopt_source()
    if directory is None:
        return vete_source() if set_name in (None, VETE_SET) else Source(MIGRATIONS_DIR, set_name)
    directory = directory.expanduser().resolve()
    return Source(directory=directory, set_name=set_name or directory.name)
