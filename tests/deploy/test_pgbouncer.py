"""Deploy through pgbouncer in transaction-pooling mode, with the lock on a direct URL."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import conninfo

from tests.deploy.conftest import Write, query
from tests.deploy.test_deploy_concurrency import race
from vete.db.embedded import RUN_AS_USER

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str:
    try:
        pwd.getpwnam(RUN_AS_USER)
    except KeyError:
        return "nobody"
    return RUN_AS_USER


@pytest.fixture
def pooled_url(fresh_url: str) -> Iterator[str]:
    """``fresh_url`` behind a pgbouncer of our own in transaction-pooling mode."""
    if not Path(PGBOUNCER).is_file():
        if os.environ.get("CI"):
            pytest.fail("pgbouncer is not installed: .ci/run installs Debian's pgbouncer")
        pytest.skip("pgbouncer not installed (apt-get install pgbouncer)")
    params = conninfo.conninfo_to_dict(fresh_url)
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="vete-pgbouncer-"))
    folder.chmod(0o777)  # pgbouncer runs as another user and writes its log here
    (folder / "users.txt").write_text(f'"{params.get("user", "postgres")}" ""\n')
    server_host = params.get("host") or "127.0.0.1"
    server_port = params.get("port") or 5432
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server_host} port={server_port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\nmax_client_conn = 50\ndefault_pool_size = 4\n"
        f"logfile = {folder / 'pgbouncer.log'}\n"
    )
    for f in folder.iterdir():
        f.chmod(0o666)
    # pgbouncer refuses to run as root; the embedded server's socket (in its 0700 data
    # directory) is reachable only by the user the server runs as.
    run_as = {"user": _unprivileged_user()} if os.geteuid() == 0 else {}
    proc = subprocess.Popen([PGBOUNCER, str(folder / "pgbouncer.ini")], **run_as)  # type: ignore[call-overload]
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (folder / "pgbouncer.log").read_text()
                time.sleep(0.1)
        yield conninfo.make_conninfo(
            "",
            host="127.0.0.1",
            port=port,
            dbname=params["dbname"],
            user=params.get("user", "postgres"),
        )
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def test_deploy_through_transaction_pooling_with_a_direct_lock(
    fresh_url: str, pooled_url: str, migrations: Write
) -> None:
    folder = migrations("001_a.sql", "CREATE TABLE a (id int);\nSELECT pg_sleep(2);")
    for n in range(2, 9):  # enough statements that psycopg would otherwise prepare them
        migrations(f"00{n}_t{n}.sql", f"CREATE TABLE t{n} (id int);")
    results = race(pooled_url, folder, "--lock-url", fresh_url)
    codes = sorted(r[0] for r in results)
    assert codes == [0, 11], results
    winner = next(r for r in results if r[0] == 0)
    assert [a["version"] for a in json.loads(winner[1])["applied"]] == list(range(1, 9))
    loser = next(r for r in results if r[0] == 11)
    assert "another deploy holds the lock" in loser[2]
    assert query(fresh_url, "SELECT count(*) AS n FROM vete.schema_migrations") == [{"n": 8}]
