"""What each check costs each framework: seconds per check function, from the committed pages.

    python -m benchmarks.check_costs [--output benchmarks/results/check_costs.md]

Every results file records each test's duration (setup, call and teardown); the committed
framework pages (``reports/frameworks/``, ``python -m benchmarks.pages``) hold one default
run per target. This sums them per check function (``test_law``, ``test_seeds``...) and
framework, so a new check's price is stated per framework, and the costliest checks of a
framework are named. The pages' runs went two at a time: their seconds are of a loaded
machine, comparable with each other, not with an idle run.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from initializer_conformance.reports import results

from .pages import PAGES, TARGETS
from .runs import ROOT


def costs() -> tuple[list[str], dict[str, dict[str, float]]]:
    """``(targets, {check function: {target: seconds}})``."""
    table: dict[str, dict[str, float]] = defaultdict(dict)
    names = [name for name, _, _ in TARGETS]
    for name in names:
        for test in results.load(PAGES / f"{name}.json")["tests"]:
            check = f"{test['nodeid'].split('::')[0].split('/')[-1][:-3]}::{test['function']}"
            table[check][name] = table[check].get(name, 0.0) + float(test["duration"])
    return names, dict(table)


def report(names: list[str], table: dict[str, dict[str, float]]) -> str:
    order = sorted(table, key=lambda check: -sum(table[check].values()))
    lines = [
        "# What each check costs each framework (seconds, the committed pages' default runs)",
        "",
        "`python -m benchmarks.check_costs`: each check function's tests summed (setup, call "
        "and teardown), per target; the pages' runs went two at a time (a loaded machine).",
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
    args = parser.parse_args()
    args.output.write_text(report(*costs()))
    print(args.output.read_text())


if __name__ == "__main__":
    main()
