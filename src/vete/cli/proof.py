"""``vete race``, ``vete bench`` and ``vete db monitor``: prove, measure and watch vete."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from vete.cli.output import console, err_console, print_json
from vete.db import resolve_database_url
from vete.proof import bench as benching
from vete.proof import monitor as monitoring
from vete.proof import race as racing
from vete.proof.monitor import parse_duration
from vete.proof.scenarios import SCENARIOS

SCENARIO_NAMES = ", ".join(SCENARIOS)
#: Exit code of ``vete race`` when an invariant of vete's scenarios was violated.
RACE_VIOLATION_EXIT = 20
#: Exit code of ``vete db monitor`` when a check failed.
MONITOR_FAILED_EXIT = 21
#: Exit code of ``vete bench`` when a benchmark script failed.
BENCH_FAILED_EXIT = 22


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not enabled,
        transient=True,
    )


def race_cmd(
    clients: int = typer.Option(16, "--clients", "-c", help="Concurrent clients (2-64)."),
    rounds: int = typer.Option(20, "--rounds", "-r", help="Rounds per scenario."),
    scenario: list[str] = typer.Option(
        [], "--scenario", "-s", help="Run only these (repeatable): " + SCENARIO_NAMES + "."
    ),
    compare: str | None = typer.Option(
        None, "--compare", help="'naive': also race a naive check-then-insert implementation."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
) -> None:
    """Race vete's booking and store functions with concurrent clients and check the invariants.

    Works in a clinic of its own (race-<random>) that it creates in DATABASE_URL (or the
    embedded server) and removes at the end, also on failure or Ctrl-C. After every round an
    independent SQL query checks: no overlapping active appointments of a vet, no lost or
    duplicated cart lines, never more units sold than stocked, no negative stock.
    Exit code 20 when one of vete's scenarios had a violation (the naive implementation's
    violations are expected and do not change the exit code); 6 without vete's schema.
    """
    if compare not in (None, "naive"):
        raise typer.BadParameter("the only implementation to compare with is 'naive'")
    steps = racing.plan(scenario, compare_naive=compare == "naive")
    url = resolve_database_url()
    show = not as_json and sys.stderr.isatty()
    with _progress(show) as bar:
        tasks = {
            racing.label(name, impl): bar.add_task(racing.label(name, impl), total=rounds)
            for name, impl in steps
        }
        report = racing.run_race(
            url,
            clients=clients,
            rounds=rounds,
            scenarios=scenario,
            compare_naive=compare == "naive",
            progress=lambda label, done: bar.update(tasks[label], completed=done),
        )
    if as_json:
        print_json(report.as_json())
    else:
        _print_race(report)
    if not report.ok:
        raise typer.Exit(RACE_VIOLATION_EXIT)


def _print_race(report: racing.RaceReport) -> None:
    console.print(
        f"[bold]vete race[/] clinic {report.tenant} (removed), {report.clients} clients,"
        f" {report.rounds} rounds per scenario"
    )
    table = Table("scenario", "attempts", "successes", "violations", "outcomes", "p50 ms", "p99 ms")
    for s in report.scenarios:
        style = (
            "green"
            if s.violations == 0
            else ("yellow" if s.implementation != "vete" else "bold red")
        )
        table.add_row(
            s.name,
            str(s.attempts),
            str(s.successes),
            f"[{style}]{s.violations}[/]",
            ", ".join(f"{k} {v}" for k, v in s.outcomes.items()),
            f"{s.p50_ms:.1f}",
            f"{s.p99_ms:.1f}",
        )
    console.print(table)
    for s in report.scenarios:
        for note in s.notes:
            console.print(f"  [dim]{s.name}:[/] {note}")
    if report.ok:
        console.print("[green]ok[/]: no invariant of vete's was violated")
    else:
        console.print("[bold red]VIOLATED[/]: see the scenarios above")


def monitor_cmd(
    window: str = typer.Option(
        "0s", "--window", help="Keep checking for this long (30s, 5m, 1h); default: once."
    ),
    interval: str = typer.Option("30s", "--interval", help="Time between checks in a window."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
) -> None:
    """Check the invariants on the data: no overlapping active appointments of a vet, no
    duplicate cart lines, no negative stock, and the deployed functions present and passing
    their checks (verify scripts and probes, rolled back; nothing is written).

    Exit code 21 when any check failed in any run.
    """
    window_s, interval_s = parse_duration(window), parse_duration(interval)
    report = monitoring.monitor(
        resolve_database_url(),
        window_s=window_s,
        interval_s=interval_s,
        on_run=None if as_json else _print_run,
    )
    if as_json:
        print_json(report.as_json())
    if not report.ok:
        raise typer.Exit(MONITOR_FAILED_EXIT)


def _print_run(run: monitoring.Run) -> None:
    mark = "[green]ok[/]" if run.ok else "[bold red]FAILED[/]"
    console.print(f"[bold]{run.at:%Y-%m-%d %H:%M:%S}Z[/] {mark}")
    for check in run.checks:
        state = "[green]ok[/]" if check.ok else f"[bold red]{check.count} found[/]"
        console.print(f"  {check.name:<26} {state}")
        for detail in check.details:
            console.print(f"    [dim]{detail}[/]", highlight=False)


def bench_cmd(
    quick: bool = typer.Option(False, "--quick", help="A short run of every benchmark."),
    only: list[str] = typer.Option([], "--only", help="Run only this benchmark (repeatable)."),
    bench_dir: Path = typer.Option(
        Path("bench"), "--dir", help="Folder of benchmark scripts.", file_okay=False
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where the reports go (default: <--dir>/results).", file_okay=False
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON report on stdout too."),
) -> None:
    """Run the benchmark scripts in bench/ (each a ratio to its baseline measured in the
    same run) and write <timestamp>.md, .json and a .png plot of the ratios.

    Every script that defines run(url, quick) is a benchmark; each makes and drops its own
    scratch database on the server of DATABASE_URL (or the embedded one).
    Exit code 22 when a benchmark failed (the others still run and are reported).
    """
    entries = benching.select(benching.discover(bench_dir.resolve()), only)
    url = resolve_database_url()
    with _progress(not as_json and sys.stderr.isatty()) as bar:
        task = bar.add_task("benchmarks", total=len(entries))

        count = iter(range(len(entries)))

        def started(entry: benching.BenchEntry) -> None:
            bar.update(task, description=entry.name, completed=next(count))

        report = benching.run_all(url, entries, quick=quick, on_start=started)
        bar.update(task, completed=len(entries))
    paths = benching.write_reports(report, out or bench_dir / "results")
    if as_json:
        print_json(report.as_json())
    else:
        for r in report.results:
            if "error" in r:
                console.print(f"[bold red]{r['name']} failed[/]: {r['error']}")
                continue
            console.print(f"[bold]{r['name']}[/] {r['title']} [dim]({r['seconds']} s)[/]")
            for label, value in (r.get("ratios") or {}).items():
                console.print(f"  {label}: [bold]{value:.2f}x[/]")
        console.print("reports: " + ", ".join(str(p) for p in paths))
    if not report.ok:
        raise typer.Exit(BENCH_FAILED_EXIT)
