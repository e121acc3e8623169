"""A database adopted before vete's functions moved to definition files: its vete-adopt
history stays valid (the composed checksums it recorded) and a plain deploy gives it every
definition, with the same functions, recorded once in vete's history."""

from __future__ import annotations

from tests.adopt.conftest import rows, run_adopt
from vete.deploy import runner
from vete.deploy.adopt_set import ADOPT_SET, COMPOSED_BEFORE_DEFINITIONS, adopt_source
from vete.deploy.source import VETE_SET, vete_source
from vete.deploy.state import applied_rows, compare

FUNCTIONS = (
    "SELECT p.oid::regprocedure::text AS f, pg_get_functiondef(p.oid) AS d, p.proacl::text AS acl"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname IN ('public', 'vete') ORDER BY 1"
)


def test_adopted_before_the_move_upgrades_with_a_plain_deploy(original_url: str) -> None:
    url = original_url
    run_adopt(url, resolve=True)
    before = rows(url, FUNCTIONS)
    # As such a database has it: the composed checksums of the adopt files as they were,
    # vete's migrations with the checksums they were applied with, no definitions recorded.
    for version, old in COMPOSED_BEFORE_DEFINITIONS.items():
        rows(
            url,
            "UPDATE vete.schema_migrations SET checksum = %s"
            " WHERE migration_set = %s AND version = %s",
            old,
            ADOPT_SET,
            version,
        )
    mset = vete_source().load()
    for m in mset.migrations:
        for old in m.valid_checksums[:1]:
            rows(
                url,
                "UPDATE vete.schema_migrations SET checksum = %s"
                " WHERE migration_set = %s AND version = %s",
                old,
                VETE_SET,
                m.version,
            )
    rows(url, "DELETE FROM vete.schema_definitions")

    with runner.deploy_connection(url) as conn:
        adopt_set = adopt_source().load()
        states = compare(adopt_set, applied_rows(conn, ADOPT_SET))
    assert {s.state for s in states} == {"applied"}

    options = runner.DeployOptions(yes=True, backup=False)
    report = runner.deploy(url, vete_source(), options, lambda *_: None)
    assert report.applied == []
    assert sorted(d["definition"] for d in report.definitions) == sorted(
        d.key for d in mset.definitions
    )
    assert rows(url, FUNCTIONS) == before
    assert rows(url, "SELECT count(*) AS n FROM vete.grant_drift()") == [{"n": 0}]
