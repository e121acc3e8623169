"""vete.adopt_backfill (adopt 001) fills a column adopt added without firing the table's
triggers, both ways it has: session_replication_role (a superuser: no lock on the table)
and, for a role that may not set it, the table's triggers disabled for the one transaction
(and enabled again). A trigger that raises on any UPDATE shows whether one fired.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests.adopt.conftest import load_original, run_adopt

TABLE = """
CREATE TABLE public.backfilled (id int PRIMARY KEY, filled int,
                                updated_at timestamptz NOT NULL DEFAULT '2020-01-01');
INSERT INTO public.backfilled (id) SELECT generate_series(1, 10);
CREATE FUNCTION public.refuse_updates() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'trigger fired on the backfill'; END $$;
CREATE TRIGGER backfilled_refuses BEFORE UPDATE ON public.backfilled
    FOR EACH ROW EXECUTE FUNCTION public.refuse_updates();
"""


@pytest.fixture(scope="module")
def adopted_url(database_factory: Callable[..., str]) -> str:
    url = load_original(database_factory(empty=True))
    run_adopt(url, resolve=True)
    return url


def backfill(conn: psycopg.Connection[Any]) -> tuple[int, list[str]]:
    """Runs the backfill of half the rows; returns the rows and the locks on the table."""
    done = conn.execute(
        "SELECT vete.adopt_backfill('public.backfilled', 'filled = id * 2', 'id <= 5')"
    ).fetchone()[0]  # type: ignore[index]
    locks = conn.execute(
        "SELECT mode FROM pg_locks WHERE relation = 'public.backfilled'::regclass"
        " AND pid = pg_backend_pid() ORDER BY 1"
    ).fetchall()
    return done, [r[0] for r in locks]


def table_state(conn: psycopg.Connection[Any]) -> tuple[Any, ...]:
    return conn.execute(  # type: ignore[return-value]
        "SELECT count(filled), sum(filled), count(DISTINCT updated_at),"
        " (SELECT string_agg(tgenabled::text, '') FROM pg_trigger"
        "   WHERE tgrelid = 'public.backfilled'::regclass AND NOT tgisinternal)"
        " FROM public.backfilled"
    ).fetchone()


def test_a_superuser_backfill_fires_no_trigger_and_locks_no_writer_out(adopted_url: str) -> None:
    with psycopg.connect(adopted_url, autocommit=True) as conn:
        conn.execute(TABLE)
        with conn.transaction():
            done, locks = backfill(conn)
        assert (done, locks) == (5, ["RowExclusiveLock"])
        assert table_state(conn) == (5, 30, 1, "O")
        conn.execute("DROP TABLE public.backfilled; DROP FUNCTION public.refuse_updates()")


def test_a_role_that_may_not_set_replication_role_disables_the_triggers_for_one_transaction(
    adopted_url: str,
) -> None:
    owner = f"backfill_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(adopted_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {owner} NOLOGIN")
        conn.execute(f"GRANT CREATE ON SCHEMA public TO {owner}")
        conn.execute(f"GRANT USAGE ON SCHEMA vete TO {owner}")
        conn.execute(f"GRANT EXECUTE ON FUNCTION vete.adopt_backfill TO {owner}")
        with conn.transaction():
            conn.execute(f"SET LOCAL ROLE {owner}")
            conn.execute(TABLE)
        with conn.transaction():
            conn.execute(f"SET LOCAL ROLE {owner}")
            done, locks = backfill(conn)
        assert done == 5
        assert "ShareRowExclusiveLock" in locks  # DISABLE TRIGGER's, held to the end
        assert table_state(conn) == (5, 30, 1, "O")  # enabled again
        conn.execute("DROP TABLE public.backfilled; DROP FUNCTION public.refuse_updates()")
        conn.execute(f"REVOKE ALL ON SCHEMA public FROM {owner}")
        conn.execute(f"REVOKE ALL ON SCHEMA vete FROM {owner}")
        conn.execute(f"REVOKE ALL ON FUNCTION vete.adopt_backfill FROM {owner}")
        conn.execute(f"DROP ROLE {owner}")
