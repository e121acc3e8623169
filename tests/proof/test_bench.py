"""vete bench: the plumbing from bench/*.py to the Markdown, JSON and PNG reports."""

from __future__ import annotations

import json
from pathlib import Path

from tests.proof.conftest import vete
from vete.proof.bench import discover
from vete.testing.plugin import PgServer

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"


def test_every_benchmark_script_exposes_run_and_helpers_are_skipped() -> None:
    names = {e.name for e in discover(BENCH_DIR)}
    assert {"booking_throughput", "booking_availability", "store_merge"} <= names
    assert "booking_common" not in names


def test_quick_run_of_one_benchmark_writes_the_three_reports(
    vete_server: PgServer, tmp_path: Path
) -> None:
    result = vete(
        "bench",
        "--quick",
        "--only",
        "store_merge",
        "--dir",
        str(BENCH_DIR),
        "--out",
        str(tmp_path),
        "--json",
        url=vete_server.admin_url,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    [bench] = report["benchmarks"]
    assert bench["name"] == "store_merge"
    assert len(bench["rows"]) == 3
    assert all(value > 0 for value in bench["ratios"].values())
    files = sorted(p.suffix for p in tmp_path.iterdir())
    assert files == [".json", ".md", ".png"]
    markdown = next(tmp_path.glob("*.md")).read_text()
    assert "## store_merge" in markdown
    assert "merge / upsert, 8 devices, one cart" in markdown
    assert next(tmp_path.glob("*.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_unknown_benchmark_is_refused(vete_server: PgServer) -> None:
    result = vete("bench", "--only", "nope", "--dir", str(BENCH_DIR), url=vete_server.admin_url)
    assert result.returncode == 1
    assert "no benchmark nope" in result.stderr
