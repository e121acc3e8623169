"""Migration files on disk: ``NNN_name.sql`` with optional ``revert/`` and ``verify/`` siblings.

Header directives are SQL comments anywhere before the first statement or elsewhere in the
file, one per line:

    -- vete:expect-notice <text>     a NOTICE containing <text> must be raised (may repeat)
    -- vete:no-transaction           run outside a transaction (CREATE INDEX CONCURRENTLY …)
    -- vete:valid-checksum <sha256>   this file was applied with that checksum and is still
                                     the same migration (rewritten, e.g. its functions moved
                                     to definitions/): history rows with it count as applied
    -- vete:requires <domain/name>    definitions/<domain>/<name>.sql is applied (when new or
                                     changed) before this migration: a table that needs a
                                     function at creation (a CHECK, a generated column, an
                                     exclusion constraint), or a migration that calls one
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from vete.errors import MigrationFileError

if TYPE_CHECKING:
    from vete.deploy.definitions import Definition

FILE_RE = re.compile(r"^(?P<version>\d+)_(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]*)\.sql$")
DIRECTIVE_RE = re.compile(r"^\s*--\s*vete:(?P<key>[a-z-]+)\s*(?P<value>.*?)\s*$", re.MULTILINE)
KNOWN_DIRECTIVES = {"expect-notice", "no-transaction", "requires", "valid-checksum"}
REQUIRES_RE = re.compile(r"^[a-z0-9][a-z0-9_]*/[a-z0-9][a-z0-9_]*$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
VALUE_FORMS = {
    "valid-checksum": (SHA256_RE, "needs a sha256 (64 hex digits)"),
    "requires": (REQUIRES_RE, "names a definition as <domain>/<name>"),
}


def normalized(text: str) -> str:
    """File text with CRLF/CR line ends as LF: checksums must not change with the editor."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def checksum(text: str) -> str:
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file and what its directives ask for."""

    version: int
    name: str
    path: Path
    sql: str
    checksum: str
    expect_notices: tuple[str, ...] = ()
    no_transaction: bool = False
    revert_sql: str | None = None
    verify_sql: str | None = None
    display: str | None = None  # a definition's path in its set, shown instead of the name
    valid_checksums: tuple[str, ...] = ()  # vete:valid-checksum: earlier texts, as applied
    requires: tuple[str, ...] = ()  # vete:requires: definitions applied before this migration

    def matches(self, applied_checksum: str) -> bool:
        """Whether a history row's checksum is this file's, now or as it was applied."""
        return applied_checksum == self.checksum or applied_checksum in self.valid_checksums

    @property
    def label(self) -> str:
        return self.display or self.path.name

    @property
    def version_text(self) -> str:
        return self.path.name.split("_", 1)[0]


@dataclass(frozen=True, slots=True)
class MigrationSet:
    """All migrations of one folder, ordered by version, with what looks wrong about them."""

    directory: Path
    migrations: tuple[Migration, ...]
    gaps: tuple[int, ...] = field(default=())
    definitions: tuple[Definition, ...] = field(default=())  # in dependency order

    def by_version(self) -> dict[int, Migration]:
        return {m.version: m for m in self.migrations}


def parse_migration(path: Path) -> Migration:
    """Read one ``NNN_name.sql`` with its siblings; bad directives raise MigrationFileError."""
    match = FILE_RE.match(path.name)
    if match is None:
        raise MigrationFileError(f"{path.name}: not a migration file name (want NNN_name.sql)")
    try:
        text = normalized(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise MigrationFileError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    notices: list[str] = []
    valid: list[str] = []
    requires: list[str] = []
    no_transaction = False
    for directive in DIRECTIVE_RE.finditer(text):
        key, value = directive["key"], directive["value"]
        if key not in KNOWN_DIRECTIVES:
            known = ", ".join(sorted(KNOWN_DIRECTIVES))
            raise MigrationFileError(f"{path.name}: unknown directive vete:{key} (known: {known})")
        if key == "expect-notice":
            if not value:
                raise MigrationFileError(f"{path.name}: vete:expect-notice needs a text")
            notices.append(value)
        elif key in VALUE_FORMS:
            pattern, want = VALUE_FORMS[key]
            if not pattern.match(value):
                raise MigrationFileError(f"{path.name}: vete:{key} {want}, not {value!r}")
            (valid if key == "valid-checksum" else requires).append(value)
        else:
            no_transaction = True
    revert = path.parent / "revert" / path.name
    verify = path.parent / "verify" / path.name
    return Migration(
        version=int(match["version"]),
        name=match["name"],
        path=path,
        sql=text,
        checksum=checksum(text),
        expect_notices=tuple(notices),
        no_transaction=no_transaction,
        valid_checksums=tuple(valid),
        requires=tuple(requires),
        revert_sql=normalized(revert.read_text(encoding="utf-8")) if revert.is_file() else None,
        verify_sql=normalized(verify.read_text(encoding="utf-8")) if verify.is_file() else None,
    )


def load_migrations(directory: Path) -> MigrationSet:
    """Every migration in ``directory``; duplicate versions raise, naming the files."""
    if not directory.is_dir():
        raise MigrationFileError(f"{directory}: no such migrations folder")
    candidates = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix == ".sql")
    strays = [p.name for p in candidates if FILE_RE.match(p.name) is None]
    if strays:
        raise MigrationFileError(f"{directory}: files not named NNN_name.sql: {', '.join(strays)}")
    migrations = [parse_migration(p) for p in candidates]
    by_version: dict[int, list[str]] = defaultdict(list)
    for m in migrations:
        by_version[m.version].append(m.path.name)
    duplicates = {v: names for v, names in by_version.items() if len(names) > 1}
    if duplicates:
        detail = "; ".join(
            f"{v:03d}: {' and '.join(names)}" for v, names in sorted(duplicates.items())
        )
        raise MigrationFileError(f"{directory}: duplicate migration versions: {detail}")
    for sibling in ("revert", "verify"):
        sub = directory / sibling
        if sub.is_dir():
            orphans = sorted(
                p.name for p in sub.glob("*.sql") if not (directory / p.name).is_file()
            )
            if orphans:
                raise MigrationFileError(
                    f"{sub}: scripts without a migration of the same name: {', '.join(orphans)}"
                )
    migrations.sort(key=lambda m: m.version)
    versions = [m.version for m in migrations]
    gaps: list[int] = []
    if versions:
        present = set(versions)
        gaps = [v for v in range(versions[0], versions[-1]) if v not in present]
    return MigrationSet(directory=directory, migrations=tuple(migrations), gaps=tuple(gaps))
