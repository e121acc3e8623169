"""The command line: version, help that teaches, and one clear line for a bad database."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli_runner import run_vete
from vete import __version__
from vete.testing.plugin import PgServer


def vete(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return run_vete(*args, env=env, timeout=120)


def test_version_prints_the_package_version() -> None:
    result = vete("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"vete {__version__}"


def test_help_explains_where_the_data_lives() -> None:
    result = vete("--help")
    assert result.returncode == 0
    assert "DATABASE_URL" in result.stdout
    assert "embedded" in result.stdout


@pytest.mark.parametrize(
    ("url", "expected_exit", "fragment"),
    [
        (
            "postgresql://postgres@127.0.0.1:1/x",
            3,
            "cannot connect to 127.0.0.1:1/x: Connection refused",
        ),
        ("postgresql://postgres@no-such-host.invalid:5432/x", 3, "no-such-host.invalid"),
        ("postgresql://u@h:notaport/x", 2, "DATABASE_URL is malformed"),
        ("this is not a url", 2, "DATABASE_URL is malformed"),
    ],
)
def test_bad_database_url_gives_one_line_and_an_exit_code(
    url: str, expected_exit: int, fragment: str
) -> None:
    result = vete("db", "status", env={"DATABASE_URL": url, "VETE_CONNECT_TIMEOUT": "3"})
    assert result.returncode == expected_exit, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_database_names_the_reason(vete_server: PgServer) -> None:
    result = vete("db", "status", env={"DATABASE_URL": vete_server.url_for("vete_no_such_db")})
    assert result.returncode == 3
    assert 'database "vete_no_such_db" does not exist' in result.stderr
    assert "Traceback" not in result.stderr


def test_status_json_names_the_target(database_url: str) -> None:
    import json

    result = vete("db", "status", "--json", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["target"]["database"].startswith("vete_t_")
    assert int(report["target"]["server_version"].split(".")[0]) >= 15
    states = {m["version"]: m["state"] for m in report["migrations"]}
    assert states[1] == "applied"
    assert set(states.values()) == {"applied"}


def test_old_server_is_refused_with_its_version() -> None:
    from types import SimpleNamespace

    from vete.db.connect import check_server_version
    from vete.errors import UnsupportedServer

    fake = SimpleNamespace(info=SimpleNamespace(server_version=140011, host="old.example"))
    with pytest.raises(UnsupportedServer, match=r"old\.example runs PostgreSQL 14; vete needs 15"):
        check_server_version(fake)  # type: ignore[arg-type]
