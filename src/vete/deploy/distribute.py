"""``vete db distribute``: lay vete's tables out on a Citus coordinator (issue 15).

Which table becomes what is data (``citus_layout.toml``), checked against the catalog
before anything changes: every table of vete's schemas must be listed, and each
distributed table must come after the tables its foreign keys reference. Then, in one
transaction, the no-overlap constraint is rebuilt in the form Citus accepts (btree_gist
equality instead of the ``vete.key_range`` one-point range, which Citus cannot
propagate), ``public.tenants`` is distributed by ``id``, every tenant table by
``tenant_id`` colocated with it, the lookup tables made reference tables; the deployer's
bookkeeping stays local to the coordinator. A table already laid out as listed is left
alone, so a second run changes nothing and says so.

Functions are not distributed (no ``create_distributed_function``): every call runs on
the coordinator, where the session's claims and role are, and takes its advisory lock
there, so two callers of one vet always meet on one lock; each statement inside is routed
to the worker holding that clinic (docs/scale-out.md says what this costs and why).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import aiosql
import psycopg

from vete.errors import DistributeRefused, SchemaMissing

_queries: Any = aiosql.from_path(Path(__file__).parent / "sql" / "distribute.sql", "psycopg")
LAYOUT_FILE = Path(__file__).with_name("citus_layout.toml")

Kind = Literal["distributed", "reference", "local"]
Action = Literal["made distributed", "made reference", "already", "kept local"]


@dataclass(frozen=True, slots=True)
class Layout:
    """The layout file, read: which table is what, in distribution order."""

    anchor: str
    anchor_column: str
    column: str
    distributed: tuple[str, ...]
    reference: tuple[str, ...]
    local: tuple[str, ...]

    def kind_of(self, table: str) -> Kind | None:
        if table == self.anchor or table in self.distributed:
            return "distributed"
        if table in self.reference:
            return "reference"
        if table in self.local:
            return "local"
        return None

    @property
    def order(self) -> tuple[str, ...]:
        """Distributed tables first (anchor, then the listed order), reference tables last."""
        return (self.anchor, *self.distributed, *self.reference)


def load_layout(path: Path | None = None) -> Layout:
    data = tomllib.loads((path or LAYOUT_FILE).read_text(encoding="utf-8"))
    return Layout(
        anchor=data["anchor"]["table"],
        anchor_column=data["anchor"]["column"],
        column=data["distributed"]["column"],
        distributed=tuple(data["distributed"]["tables"]),
        reference=tuple(data["reference"]["tables"]),
        local=tuple(data["local"]["tables"]),
    )


@dataclass(frozen=True, slots=True)
class TableStep:
    table: str
    kind: Kind
    action: Action

    def as_json(self) -> dict[str, str]:
        return {"table": self.table, "kind": self.kind, "action": self.action}


@dataclass(slots=True)
class DistributeReport:
    citus_version: str
    workers: list[str]
    tables: list[TableStep] = field(default_factory=list)
    #: What happened to the no-overlap constraint: "rebuilt with btree_gist" or "already".
    overlap_constraint: str = "already"
    #: "created" when this run installed btree_gist, else "already".
    btree_gist: str = "already"
    #: Per worker: whether the API roles were made able to log in there (api_roles_on_workers).
    api_roles: list[str] = field(default_factory=list)
    functions: str = (
        "not distributed: every call runs on the coordinator (claims, role and advisory "
        "locks stay there); its statements are routed to the clinic's worker"
    )

    @property
    def changed(self) -> bool:
        return (
            any(t.action.startswith("made") for t in self.tables)
            or self.overlap_constraint != "already"
            or self.btree_gist != "already"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "citus_version": self.citus_version,
            "workers": self.workers,
            "tables": [t.as_json() for t in self.tables],
            "overlap_constraint": self.overlap_constraint,
            "btree_gist": self.btree_gist,
            "api_roles": self.api_roles,
            "functions": self.functions,
        }


def _target(conn: psycopg.Connection[Any]) -> tuple[str, list[str]]:
    """The Citus version and active workers, or DistributeRefused saying what is missing."""
    version = _queries.citus_version(conn)
    if version is None:
        raise DistributeRefused(
            "not a Citus coordinator: the citus extension is not installed in this database"
            " (vete db distribute needs Citus; see docs/scale-out.md)"
        )
    if not _queries.is_coordinator(conn):
        raise DistributeRefused(
            "this Citus node is not the coordinator: run vete db distribute against the"
            " coordinator (citus_set_coordinator_host)"
        )
    workers = [f"{w['host']}:{w['port']}" for w in _queries.active_workers(conn)]
    if not workers:
        raise DistributeRefused(
            "the coordinator has no active worker: add one with citus_add_node first"
        )
    return str(version), workers


def _check_catalog(
    layout: Layout,
    current: dict[str, dict[str, Any]],
    refs: list[dict[str, Any]],
    *,
    all_deployed: bool = True,
) -> None:
    """Refuse before any change: an unlisted or missing table, a table Citus already holds
    in another form, or a distribution order that puts a table before what it references.

    ``all_deployed=False`` (a deploy in progress): a listed table not created yet is one a
    later migration creates, not a problem."""
    problems: list[str] = []
    unlisted = sorted(t for t in current if layout.kind_of(t) is None)
    if unlisted:
        problems.append(
            f"table(s) not in {LAYOUT_FILE.name}: {', '.join(unlisted)} (say whether each is"
            " distributed by tenant_id, reference or local)"
        )
    listed = (*layout.order, *layout.local)
    missing = [t for t in listed if t not in current]
    if missing and all_deployed:
        problems.append(
            f"table(s) in {LAYOUT_FILE.name} missing from the database: {', '.join(missing)}"
            " (deploy vete's migrations first)"
        )
    for table, row in current.items():
        want = layout.kind_of(table)
        have = row["kind"]
        if want is None or have == "local":
            continue
        column = layout.anchor_column if table == layout.anchor else layout.column
        if have != want or (want == "distributed" and row["column_name"] != column):
            problems.append(f"{table} is already {have} in another form than the layout's {want}")
    position = {t: i for i, t in enumerate(layout.order)}
    for ref in refs:
        a, b = ref["referencing"], ref["referenced"]
        if a in position and b in position and position[b] > position[a]:
            problems.append(f"{a} references {b}, which the layout distributes after it")
    if problems:
        raise DistributeRefused("; ".join(problems))


def _place(conn: psycopg.Connection[Any], layout: Layout, table: str, kind: Kind) -> TableStep:
    """Make one coordinator-local table what the layout says (inside the caller's transaction)."""
    if kind == "reference":
        _queries.create_reference_table(conn, table=table)
        return TableStep(table, kind, "made reference")
    column = layout.anchor_column if table == layout.anchor else layout.column
    colocate = "default" if table == layout.anchor else layout.anchor
    _queries.create_distributed_table(conn, table=table, column=column, colocate_with=colocate)
    return TableStep(table, kind, "made distributed")


def is_distributed(conn: psycopg.Connection[Any], layout: Layout | None = None) -> bool:
    """Whether this database has been through ``vete db distribute`` (its anchor is)."""
    if _queries.citus_version(conn) is None:
        return False
    layout = layout or load_layout()
    return bool(_queries.anchor_distributed(conn, anchor=layout.anchor))


def prepare_migration(conn: psycopg.Connection[Any]) -> None:
    """At the start of a migration's transaction on a distributed database: the settings
    ``vete db distribute`` uses (vete's triggers read only their own row, so they are safe
    on shards; one connection per node, so a table distributed later in the transaction
    may reference what it already changed)."""
    if is_distributed(conn):
        _queries.distribution_settings(conn)


def place_new_tables(
    conn: psycopg.Connection[Any], layout: Layout | None = None
) -> list[TableStep]:
    """Inside a migration's transaction, on a distributed database: lay out the tables the
    migration created, as the layout file says, before its verify script runs, so a deploy
    after ``vete db distribute`` never leaves a clinic's table on the coordinator alone.

    A new table the layout does not place refuses the migration (DistributeRefused, the
    transaction rolls back): where a table lives is decided in the layout file, reviewed
    with the migration, never guessed. A new foreign key between tables is checked against
    the layout's order as ``vete db distribute`` checks it. Nothing happens on one node."""
    layout = layout or load_layout()
    if not is_distributed(conn, layout):
        return []
    current = {r["name"]: r for r in _queries.tables(conn)}
    new = [
        t for t, row in current.items() if row["kind"] == "local" and layout.kind_of(t) != "local"
    ]
    if not new:
        return []
    _check_catalog(layout, current, list(_queries.references(conn)), all_deployed=False)
    order = {t: i for i, t in enumerate(layout.order)}
    return [_place(conn, layout, t, _kind(layout, t)) for t in sorted(new, key=order.__getitem__)]


def _kind(layout: Layout, table: str) -> Kind:
    kind = layout.kind_of(table)
    assert kind is not None  # _check_catalog refused every unlisted table
    return kind


def distribute(url: str, layout: Layout | None = None) -> DistributeReport:
    """Distribute vete's tables on the Citus coordinator at ``url``; idempotent."""
    from vete.deploy.runner import deploy_connection

    layout = layout or load_layout()
    with deploy_connection(url) as conn:
        version, workers = _target(conn)
        report = DistributeReport(citus_version=version, workers=workers)
        current = {r["name"]: r for r in _queries.tables(conn)}
        if layout.anchor not in current:
            raise SchemaMissing("vete's schema is not deployed here: run vete db deploy first")
        _check_catalog(layout, current, list(_queries.references(conn)))
        overlap = _queries.overlap_constraint(conn) or ""
        rebuild = "vet_key" in overlap
        if rebuild and not _queries.has_btree_gist(conn):
            if not _queries.btree_gist_available(conn):
                raise DistributeRefused(
                    "the server has no btree_gist extension, which the distributed no-overlap"
                    " constraint needs (tenant_id WITH =)"
                )
            report.btree_gist = "created"
        with conn.transaction():
            _queries.distribution_settings(conn)
            if report.btree_gist == "created":
                _queries.create_btree_gist(conn)
            if rebuild:
                _queries.rebuild_overlap_constraint(conn)
                report.overlap_constraint = "rebuilt with btree_gist (tenant_id =, vet_id =)"
            for table in layout.order:
                kind = layout.kind_of(table)
                assert kind is not None
                if current[table]["kind"] != "local":
                    report.tables.append(TableStep(table, kind, "already"))
                    continue
                report.tables.append(_place(conn, layout, table, kind))
        # After COMMIT: the copied rows stay on the coordinator's disk until truncated.
        for step in report.tables:
            if step.action.startswith("made"):
                _queries.truncate_local_data(conn, table=step.table)
        report.tables += [TableStep(t, "local", "kept local") for t in layout.local]
        report.api_roles = prepare_api_roles(conn)
    return report


def prepare_api_roles(conn: psycopg.Connection[Any]) -> list[str]:
    """Let anon, authenticated and service_role log in to every worker (idempotent): the
    reads that row-level security filters run there as those roles.

    After COMMIT (of distribute, or of a migration that placed tables), never inside the
    transaction that distributes: distributing a database's first tables makes Citus copy
    the roles to the workers as the coordinator has them (NOLOGIN), sent in that
    transaction and applied when it commits."""
    rows = list(_queries.api_roles_on_workers(conn))
    failed = [f"{r['node']}: {r['result']}" for r in rows if not r["success"]]
    if failed:
        raise DistributeRefused(
            "the tables are distributed, but the API roles could not be prepared on "
            f"{'; '.join(failed)} (run vete db distribute again once the worker answers)"
        )
    return [f"{r['node']}: anon, authenticated, service_role log in" for r in rows]
