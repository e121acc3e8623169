"""A deploy either applies a migration completely and proven, or leaves no trace of it."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from tests.deploy.conftest import Write, deploy, query, schema_fingerprint
from vete.deploy import Timeouts
from vete.errors import ChecksumMismatch, DeployError, MigrationFileError, VerifyFailed

# The original platform's bug: valid to create, fails on every call.
BROKEN_BOOKING = """
    CREATE TABLE slots (vet uuid, start_time timestamptz);
    CREATE FUNCTION book(p_vet uuid, p_start timestamptz) RETURNS jsonb
    LANGUAGE plpgsql AS $$
    DECLARE
        v_taken int;
    BEGIN
        SELECT count(*) INTO v_taken FROM slots
        WHERE vet = p_vet AND start_time = p_start FOR UPDATE;
        IF v_taken > 0 THEN
            RETURN jsonb_build_object('success', false, 'error', 'SLOT_UNAVAILABLE');
        END IF;
        INSERT INTO slots VALUES (p_vet, p_start);
        RETURN jsonb_build_object('success', true);
    END $$;
"""


def test_broken_function_is_stopped_by_the_generic_probe(fresh_url: str, migrations: Write) -> None:
    folder = migrations("001_booking.sql", BROKEN_BOOKING)
    before = schema_fingerprint(fresh_url)
    with pytest.raises(VerifyFailed) as caught:
        deploy(fresh_url, folder)
    message = str(caught.value)
    assert "book(uuid,timestamp with time zone)" in message
    assert "FOR UPDATE is not allowed with aggregate functions" in message
    assert "0A000" in message
    assert schema_fingerprint(fresh_url) == before
    assert query(fresh_url, "SELECT to_regclass('public.slots') AS t") == [{"t": None}]


def test_broken_function_is_stopped_by_its_verify_script(fresh_url: str, migrations: Write) -> None:
    folder = migrations(
        "001_booking.sql",
        BROKEN_BOOKING,
        verify="""
            DO $$ BEGIN
                IF NOT (book('00000000-0000-4000-8000-000000000001', now()) ->> 'success')::boolean
                THEN RAISE EXCEPTION 'booking a free slot failed'; END IF;
            END $$;
        """,
    )
    with pytest.raises(VerifyFailed, match="001_booking.sql: verify script failed: FOR UPDATE"):
        deploy(fresh_url, folder)
    assert query(fresh_url, "SELECT to_regclass('public.slots') AS t") == [{"t": None}]


def test_failure_at_the_kth_statement_leaves_schema_and_data_as_before(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_base.sql", "CREATE TABLE pets (id int PRIMARY KEY, name text);")
    deploy(fresh_url, folder)
    query(fresh_url, "INSERT INTO pets VALUES (1, 'Rex'), (2, 'Luna') RETURNING id")
    before = schema_fingerprint(fresh_url)
    migrations(
        "002_more.sql",
        """
        ALTER TABLE pets ADD COLUMN species text;
        UPDATE pets SET name = upper(name);
        CREATE TABLE owners (id int PRIMARY KEY);
        INSERT INTO owners VALUES (1), (1);
        CREATE TABLE never_reached (id int);
        """,
    )
    with pytest.raises(
        DeployError, match=r"002_more.sql: statement 4 \(line 5\) failed: duplicate key"
    ):
        deploy(fresh_url, folder)
    assert schema_fingerprint(fresh_url) == before
    assert query(fresh_url, "SELECT id, name FROM pets ORDER BY id") == [
        {"id": 1, "name": "Rex"},
        {"id": 2, "name": "Luna"},
    ]
    events = query(
        fresh_url,
        "SELECT kind, version, ok, detail->>'error' AS error FROM vete.deploy_events"
        " WHERE version = 2",
    )
    assert [(e["kind"], e["ok"]) for e in events] == [("fail", False)]
    assert "duplicate key" in events[0]["error"]
    assert query(fresh_url, "SELECT version FROM vete.schema_migrations ORDER BY 1") == [
        {"version": 1}
    ]
    # Fixed file: deploy now applies it.
    migrations(
        "002_more.sql",
        """
        ALTER TABLE pets ADD COLUMN species text;
        CREATE TABLE owners (id int PRIMARY KEY);
        INSERT INTO owners VALUES (1), (2);
        """,
    )
    report = deploy(fresh_url, folder)
    assert [a["version"] for a in report.applied] == [2]
    assert query(fresh_url, "SELECT count(*) AS n FROM owners") == [{"n": 2}]


def test_missing_expected_notice_rolls_the_migration_back(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations(
        "001_notice.sql",
        """
        -- vete:expect-notice booking migration complete
        CREATE TABLE t (id int);
        DO $$ BEGIN RAISE NOTICE 'something else entirely'; END $$;
        """,
    )
    with pytest.raises(
        DeployError, match="expected NOTICE not raised: 'booking migration complete'"
    ):
        deploy(fresh_url, folder)
    assert query(fresh_url, "SELECT to_regclass('public.t') AS t") == [{"t": None}]
    migrations(
        "001_notice.sql",
        """
        -- vete:expect-notice booking migration complete
        CREATE TABLE t (id int);
        DO $$ BEGIN RAISE NOTICE 'Atomic booking migration complete'; END $$;
        """,
    )
    report = deploy(fresh_url, folder)
    assert report.applied[0]["notices"] == ["Atomic booking migration complete"]


def test_edited_applied_file_is_refused_until_restored(fresh_url: str, migrations: Write) -> None:
    folder = migrations("001_a.sql", "CREATE TABLE a (id int);\n")
    deploy(fresh_url, folder)
    # CRLF line ends alone are not an edit.
    (folder / "001_a.sql").write_bytes(b"CREATE TABLE a (id int);\r\n")
    migrations("002_b.sql", "CREATE TABLE b (id int);")
    assert [a["version"] for a in deploy(fresh_url, folder).applied] == [2]
    (folder / "001_a.sql").write_text("CREATE TABLE a (id bigint);\n")
    migrations("003_c.sql", "CREATE TABLE c (id int);")
    with pytest.raises(ChecksumMismatch, match="001_a.sql"):
        deploy(fresh_url, folder)
    assert query(fresh_url, "SELECT to_regclass('public.c') AS t") == [{"t": None}]
    (folder / "001_a.sql").write_text("CREATE TABLE a (id int);\n")
    assert [a["version"] for a in deploy(fresh_url, folder).applied] == [3]


def test_duplicate_versions_are_refused_naming_both_files(
    tmp_path: Path, migrations: Write
) -> None:
    folder = migrations("065_appointments.sql", "SELECT 1;")
    migrations("065_appointment_reminders.sql", "SELECT 2;")
    from vete.deploy.files import load_migrations

    with pytest.raises(MigrationFileError) as caught:
        load_migrations(folder)
    assert "065_appointment_reminders.sql and 065_appointments.sql" in str(caught.value)


def test_gaps_are_reported(migrations: Write) -> None:
    folder = migrations("001_a.sql", "SELECT 1;")
    migrations("004_d.sql", "SELECT 1;")
    from vete.deploy.files import load_migrations

    assert load_migrations(folder).gaps == (2, 3)


def test_no_transaction_file_builds_its_index_concurrently(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_pets.sql", "CREATE TABLE pets (chip text);")
    migrations(
        "002_chip_index.sql",
        "-- vete:no-transaction\nCREATE INDEX CONCURRENTLY pets_chip_idx ON pets (chip);\n",
    )
    report = deploy(fresh_url, folder)
    assert [a["version"] for a in report.applied] == [1, 2]
    assert query(
        fresh_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'pets_chip_idx'::regclass"
    ) == [{"indisvalid": True}]


def test_failed_concurrent_build_is_reported_and_not_recorded(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_pets.sql", "CREATE TABLE pets (chip text);")
    deploy(fresh_url, folder)
    query(fresh_url, "INSERT INTO pets VALUES ('A1'), ('A1')")
    migrations(
        "002_unique_chip.sql",
        "-- vete:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY pets_chip_key ON pets (chip);\n",
    )
    with pytest.raises(
        DeployError, match="statement 1 .*left invalid indexes pets_chip_key: the next deploy drops"
    ):
        deploy(fresh_url, folder)
    # PostgreSQL leaves the half-built index behind, invalid; history does not claim 002.
    assert query(
        fresh_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'pets_chip_key'::regclass"
    ) == [{"indisvalid": False}]
    assert query(fresh_url, "SELECT max(version) AS v FROM vete.schema_migrations") == [{"v": 1}]
    # The cause fixed, the next deploy drops the leftover (as after a killed build) and
    # builds the index again.
    query(fresh_url, "UPDATE pets SET chip = 'A2' WHERE ctid = (SELECT min(ctid) FROM pets)")
    assert [a["version"] for a in deploy(fresh_url, folder).applied] == [2]
    assert query(
        fresh_url, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'pets_chip_key'::regclass"
    ) == [{"indisvalid": True}]


def _hold_access_share(url: str, seconds: float) -> threading.Thread:
    """Another session reads pets in a transaction that stays open for ``seconds``."""
    ready = threading.Event()

    def hold() -> None:
        with psycopg.connect(url) as conn:
            conn.execute("LOCK pets IN ACCESS SHARE MODE")
            ready.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(10)
    return thread


def test_a_migration_that_cannot_get_its_lock_in_time_rolls_back_and_tries_again(
    fresh_url: str, migrations: Write
) -> None:
    folder = migrations("001_pets.sql", "CREATE TABLE pets (chip text);")
    deploy(fresh_url, folder)
    migrations("002_name.sql", "ALTER TABLE pets ADD COLUMN name text;")
    short = Timeouts(lock_timeout="100ms", lock_retries=0)
    holder = _hold_access_share(fresh_url, 1.5)
    with pytest.raises(DeployError, match="lock timeout"):
        deploy(fresh_url, folder, timeouts=short)
    # Retried: each try waits 100 ms at most (so would the statements queued behind it),
    # and one of them comes after the reader's transaction ends.
    retried = Timeouts(lock_timeout="100ms", lock_retries=40, retry_pause_s=0.1)
    assert [a["version"] for a in deploy(fresh_url, folder, timeouts=retried).applied] == [2]
    holder.join()
    assert query(fresh_url, "SELECT count(*) AS n FROM vete.schema_migrations") == [{"n": 2}]
