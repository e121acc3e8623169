"""Compare migration files with the target's history: applied, pending, changed, missing."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from vete.db.work import Statement, Work, blocking
from vete.deploy.files import MigrationSet
from vete.deploy.queries import history


@dataclass(frozen=True, slots=True)
class MigrationState:
    version: int
    name: str
    state: str  # applied | pending | changed | missing
    file: str | None
    applied_at: str | None
    file_checksum: str | None
    applied_checksum: str | None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def applied_rows_work(set_name: str) -> Work[dict[int, dict[str, Any]]]:
    """History rows of one set by version; empty when the history table does not exist yet."""
    if not (yield Statement(history.history_exists, {})):
        return {}
    rows = yield Statement(history.applied_migrations, {"migration_set": set_name})
    return {r["version"]: r for r in rows}


applied_rows = blocking(applied_rows_work)


def compare(mset: MigrationSet, applied: dict[int, dict[str, Any]]) -> list[MigrationState]:
    states: list[MigrationState] = []
    files = mset.by_version()
    for version in sorted(set(files) | set(applied)):
        mig, row = files.get(version), applied.get(version)
        if mig is not None and row is None:
            state = "pending"
        elif mig is None and row is not None:
            state = "missing"
        elif mig is not None and row is not None:
            state = "applied" if mig.matches(row["checksum"]) else "changed"
        else:  # pragma: no cover - the union above never yields neither
            continue
        states.append(
            MigrationState(
                version=version,
                name=mig.name if mig else str(row["name"]) if row else "",
                state=state,
                file=mig.label if mig else None,
                applied_at=row["applied_at"].isoformat() if row else None,
                file_checksum=mig.checksum if mig else None,
                applied_checksum=row["checksum"] if row else None,
            )
        )
    return states
