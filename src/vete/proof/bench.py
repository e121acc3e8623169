"""``vete bench``: every benchmark script under bench/ in one run, with one report.

A benchmark is a script ``bench/NAME.py`` that stays runnable on its own and also exposes

    def run(url: str, quick: bool) -> dict

``url`` is the server (DATABASE_URL or the embedded one) on which the script creates and
drops its own scratch database; ``quick`` asks for a short run. It returns
``{"name", "title", "baseline", "rows": [{...}], "ratios": {label: value}}`` and may add
``"target": {label: value}``: each ratio is a measurement over its baseline measured in
the same run, so numbers from different machines compare. Scripts without ``run`` (shared
helpers such as booking_common.py) are not benchmarks and are skipped.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vete.errors import InvalidInput

RunFn = Callable[[str, bool], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class BenchEntry:
    """One benchmark script: its name (the file's stem), first docstring line, entry point."""

    name: str
    title: str
    run: RunFn


@dataclass
class BenchReport:
    started: datetime
    quick: bool
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all("error" not in r for r in self.results)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "started": self.started.isoformat(),
            "quick": self.quick,
            "benchmarks": self.results,
        }


def discover(directory: Path) -> list[BenchEntry]:
    """Every ``directory/*.py`` that defines ``run``, by name."""
    if not directory.is_dir():
        raise InvalidInput(f"no benchmark folder at {directory} (use --dir)")
    # The scripts import their sibling helpers (booking_common) as top-level modules.
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    entries = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"vete_bench_{path.stem}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        run = getattr(module, "run", None)
        if callable(run):
            title = (module.__doc__ or path.stem).strip().splitlines()[0]
            entries.append(BenchEntry(name=path.stem, title=title, run=run))
    return entries


def select(entries: list[BenchEntry], only: list[str]) -> list[BenchEntry]:
    if not only:
        return entries
    known = {e.name for e in entries}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise InvalidInput(f"no benchmark {', '.join(unknown)}; there are {', '.join(known)}")
    return [e for e in entries if e.name in only]


def run_all(
    url: str,
    entries: list[BenchEntry],
    *,
    quick: bool,
    on_start: Callable[[BenchEntry], None] | None = None,
) -> BenchReport:
    """Run each benchmark in turn; a failing one is reported with its error, not fatal."""
    report = BenchReport(started=datetime.now(UTC), quick=quick)
    for entry in entries:
        if on_start is not None:
            on_start(entry)
        began = time.perf_counter()
        try:
            result = dict(entry.run(url, quick))
        except Exception as exc:  # one broken script must not hide the others' numbers
            result = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        result.setdefault("name", entry.name)
        result.setdefault("title", entry.title)
        result["seconds"] = round(time.perf_counter() - began, 1)
        report.results.append(result)
    return report


def write_reports(report: BenchReport, out_dir: Path) -> list[Path]:
    """``<timestamp>.json``, ``.md`` and (with matplotlib) ``.png`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / report.started.strftime("%Y%m%dT%H%M%SZ")
    written = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    written[0].write_text(json.dumps(report.as_json(), indent=2, default=str) + "\n")
    plot = stem.with_suffix(".png")
    has_plot = draw_ratios(report, plot)
    written[1].write_text(markdown(report, plot.name if has_plot else None))
    if has_plot:
        written.append(plot)
    return written


def markdown(report: BenchReport, plot_name: str | None) -> str:
    lines = [
        f"# vete bench, {report.started:%Y-%m-%d %H:%M} UTC" + (" (quick)" if report.quick else ""),
        "",
        "Every ratio is a measurement over its baseline measured in the same run.",
        "",
    ]
    if plot_name:
        lines += [f"![ratios]({plot_name})", ""]
    for r in report.results:
        lines += [f"## {r['name']}: {r['title']}", ""]
        if "error" in r:
            lines += [f"**failed**: `{r['error']}`", ""]
            continue
        if r.get("baseline"):
            lines += [f"Baseline: {r['baseline']}", ""]
        rows = r.get("rows") or []
        if rows:
            columns = list(dict.fromkeys(k for row in rows for k in row))
            lines.append("| " + " | ".join(columns) + " |")
            lines.append("|" + "---|" * len(columns))
            lines += [
                "| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows
            ]
            lines.append("")
        targets = r.get("target") or {}
        for label, value in (r.get("ratios") or {}).items():
            goal = f" (target {targets[label]})" if label in targets else ""
            lines.append(f"- {label}: **{value:.2f}x**{goal}")
        lines += ["", f"_{r['seconds']} s_", ""]
    return "\n".join(lines)


def draw_ratios(report: BenchReport, path: Path) -> bool:
    """One horizontal bar per ratio, with 1.0 (the baseline) marked; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    bars = [
        (f"{r['name']}: {label}", float(value), (r.get("target") or {}).get(label))
        for r in report.results
        for label, value in (r.get("ratios") or {}).items()
    ]
    if not bars:
        return False
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(bars) + 1.2))
    ax.barh([b[0] for b in bars], [b[1] for b in bars], color="#4477aa")
    ax.axvline(1.0, color="black", linewidth=1)
    targets = [(b[0], float(b[2])) for b in bars if b[2] is not None]
    if targets:
        ax.scatter(
            [t[1] for t in targets],
            [t[0] for t in targets],
            marker="|",
            s=300,
            color="#cc3311",
            label="target",
            zorder=3,
        )
        ax.legend(loc="lower right")
    ax.invert_yaxis()
    ax.set_xlabel("ratio to the same-run baseline (1.0 = baseline)")
    ax.set_title("vete bench" + (" (quick)" if report.quick else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
