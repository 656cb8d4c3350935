"""The kill table: the full default suite against every mutant of the catalogue.

    python -m benchmarks.kill_table [--workers 2] [MUTANT ...]

Every mutant must fail a default run
(``pytest conformance --impl=initializer_conformance.adapters.mutants:NAME``) and the
reference must pass it. Writes ``benchmarks/results/kill_table.md`` with, for
each mutant, the bug, whether the run failed, and every check that caught it. Exits 1 if
a mutant survived or the reference failed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from initializer_conformance.adapters.mutants import MUTANTS

from .runs import ROOT, run_many


def checks(failed: list[str]) -> str:
    """``test_fans[he_normal]`` ids folded to ``test_fans ×3`` (by test function)."""
    counts = Counter(nodeid.split("::")[-1].split("[")[0] for nodeid in failed)
    return ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in counts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", default=sorted(MUTANTS))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    impls = ["numpy"] + [
        f"initializer_conformance.adapters.mutants:{name}" for name in args.mutants
    ]
    outcomes = run_many(
        [(f"--impl={impl}",) for impl in impls],
        args.workers,
        lambda o: print(
            f"{o.args[0]}: exit {o.returncode}, {o.seconds:.0f} s, {o.summary}", flush=True
        ),
    )
    reference, mutants = outcomes[0], outcomes[1:]
    killed = sum(o.returncode == 1 for o in mutants)
    lines = [
        "# Kill table",
        "",
        "The full default run (`pytest conformance --impl=initializer_conformance.adapters.mutants:NAME`, profile `ci`, "
        "default seed) against every mutant of `adapters/mutants.py` "
        "(`python -m benchmarks.kill_table`).",
        "",
        f"- reference (`--impl=numpy`): {'passes' if reference.returncode == 0 else 'FAILS'} "
        f"({reference.summary})",
        f"- mutants caught: **{killed} of {len(mutants)}**",
        "",
        "| mutant | bug | caught | checks that failed | run time |",
        "|---|---|---|---|---|",
    ]
    for name, outcome in zip(args.mutants, mutants, strict=True):
        bug = MUTANTS[name].__doc__.strip().splitlines()[0]
        caught = "yes" if outcome.returncode == 1 else f"**NO** (exit {outcome.returncode})"
        lines.append(
            f"| `{name}` | {bug} | {caught} | {checks(outcome.failed)} | {outcome.seconds:.0f} s |"
        )
    (ROOT / "benchmarks/results/kill_table.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(0 if reference.returncode == 0 and killed == len(mutants) else 1)


if __name__ == "__main__":
    main()
