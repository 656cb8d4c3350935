"""What each check costs each framework: seconds per check function, from the committed pages.

    python -m benchmarks.check_costs [--output benchmarks/results/check_costs.md]
    python -m benchmarks.check_costs --measure-large [TARGET ...]

Every results file records each test's duration (setup, call and teardown); the committed
framework pages (``reports/frameworks/``, ``python -m benchmarks.pages``) hold one default
run per target. This sums them per check function (``test_law``, ``test_seeds``...) and
framework, so a new check's price is stated per framework, and the costliest checks of a
framework are named. The pages' runs went two at a time: their seconds are of a loaded
machine, comparable with each other, not with an idle run.

A default run skips the large outputs (``--large``, ``conformance/test_large.py``): their
cost is measured apart (``--measure-large``: each target's large checks alone, one run after
the other, serial, as CI runs them), kept in ``results/check_costs_large.json`` and shown
as the table's ``test_large`` rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

from initializer_conformance.reports import results

from .pages import PAGES, TARGETS
from .runs import ROOT, suite_command

#: Each target's measured seconds of its large checks, by check function.
LARGE = ROOT / "benchmarks" / "results" / "check_costs_large.json"


def check_of(test: dict) -> str:
    """``test_seeds::test_seed_reproducible``: a result's module and check function."""
    return f"{test['nodeid'].split('::')[0].split('/')[-1][:-3]}::{test['function']}"


def test_of(test: dict) -> str:
    """``test_probes::test_probe[RandomNormal-float16-subnormal]``: one parametrised test."""
    return f"{check_of(test)}{test['nodeid'][test['nodeid'].find('[') :] if '[' in test['nodeid'] else ''}"


def costs(key=check_of) -> tuple[list[str], dict[str, dict[str, float]]]:
    """``(targets, {check function: {target: seconds}})`` (``key=test_of``: per test)."""
    table: dict[str, dict[str, float]] = defaultdict(dict)
    names = [name for name, _, _ in TARGETS]
    for name in names:
        for test in results.load(PAGES / f"{name}.json")["tests"]:
            check = key(test)
            table[check][name] = table[check].get(name, 0.0) + float(test["duration"])
    large = json.loads(LARGE.read_text()) if LARGE.exists() else {}
    for name, checks in large.items():
        for check, seconds in checks.items():
            table[check][name] = seconds
    return names, dict(table)


def measure_large(name: str, impl: str, backend: str | None) -> dict[str, float]:
    """``{check: seconds}`` of one target's large checks, alone and serial; exits if they
    do not all pass (CI runs them with every target)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch, "large.json")
        argv, env = suite_command(
            f"--impl={impl}",
            "--large",
            "-k",
            "test_large_output or test_large_orthogonal",  # test_large.py's checks
            "-q",
            "-p",
            "no:randomly",
            f"--report-json={report}",
            "--report-html",
            str(Path(scratch, "large.html")),
        )
        if backend:
            env = {**env, "KERAS_BACKEND": backend}
        run = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        seconds: dict[str, float] = defaultdict(float)
        tests = results.load(report)["tests"] if report.exists() else []
        failed = [t["nodeid"] for t in tests if t["outcome"] not in ("pass", "skipped")]
        if run.returncode != 0 or failed or not tests:  # CI runs them: a cost of a pass only
            raise SystemExit(
                f"{name}: the large checks did not pass ({failed}):\n{run.stdout[-2000:]}"
            )
        for test in tests:
            seconds[f"test_large::{test['function']}"] += float(test["duration"])
    print(f"{name}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), flush=True)
    return dict(seconds)


def report(names: list[str], table: dict[str, dict[str, float]]) -> str:
    order = sorted(table, key=lambda check: -sum(table[check].values()))
    lines = [
        "# What each check costs each framework (seconds, the committed pages' default runs)",
        "",
        "`python -m benchmarks.check_costs`: each check function's tests summed (setup, call "
        "and teardown), per target; the pages' runs went two at a time (a loaded machine). "
        "`test_large` (`--large`, not in a default run): each target's large checks alone, "
        "serial (`--measure-large`).",
        "",
        "| check | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for check in order:
        cells = [f"{table[check][n]:.1f}" if n in table[check] else "-" for n in names]
        lines.append(f"| `{check}` | " + " | ".join(cells) + " |")
    totals = [sum(table[c].get(n, 0.0) for c in table) for n in names]
    lines.append("| **all checks** | " + " | ".join(f"**{t:.0f}**" for t in totals) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--output", type=Path, default=ROOT / "benchmarks" / "results" / "check_costs.md"
    )
    parser.add_argument(
        "--measure-large",
        nargs="*",
        metavar="TARGET",
        help="measure these targets' (none: all) large checks first",
    )
    args = parser.parse_args()
    if args.measure_large is not None:
        stored = json.loads(LARGE.read_text()) if LARGE.exists() else {}
        for name, impl, backend in TARGETS:
            if not args.measure_large or name in args.measure_large:
                stored[name] = measure_large(name, impl, backend)
                LARGE.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    args.output.write_text(report(*costs()))
    print(args.output.read_text())


if __name__ == "__main__":
    main()
