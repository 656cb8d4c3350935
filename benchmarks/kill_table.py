"""The kill table: the full default suite against every mutant of the catalogue.

    python -m benchmarks.kill_table [--workers 2] [--profile quick] [MUTANT ...]

Every mutant must fail a default run
(``pytest conformance --impl=initializer_conformance.adapters.mutants:NAME``, with the
options its bug needs: ``--large`` for the large outputs' mutants) and the
reference must pass it. Writes ``benchmarks/results/kill_table.md`` with, for
each mutant, the bug, whether the run failed, and every check that caught it, and
``kill_table.json`` with the same runs as fields (exit status, the failed tests counted by
check function, seconds: what ``benchmarks/new_checks.py`` reads). Exits 1 if a mutant
survived or the reference failed. ``--profile quick``: the same against the quick
profile (what it still catches, what it does not), into ``kill_table_quick.md`` and
``.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from initializer_conformance.adapters.mutants import MUTANTS

from .runs import ROOT, run_many


def folded(failed: list[str]) -> dict[str, int]:
    """``test_fans[he_normal]``... node ids folded to ``{"test_fans": 3}`` (by test function)."""
    return dict(Counter(nodeid.split("::")[-1].split("[")[0] for nodeid in failed))


def checks(failed: list[str]) -> str:
    """``test_fans[he_normal]`` ids folded to ``test_fans ×3`` (by test function)."""
    counts = folded(failed)
    return ", ".join(f"{name} ×{count}" if count > 1 else name for name, count in counts.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mutants", nargs="*", default=sorted(MUTANTS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--profile", default="ci", choices=["ci", "quick"])
    args = parser.parse_args()
    impls = ["numpy"] + [
        f"initializer_conformance.adapters.mutants:{name}" for name in args.mutants
    ]
    done: dict = {}

    def record(outcome) -> None:  # rewrite the table after every run: a long one can stop
        print(
            f"{outcome.args[0]}: exit {outcome.returncode}, {outcome.seconds:.0f} s, "
            f"{outcome.summary}",
            flush=True,
        )
        done[outcome.args[0].split("=", 1)[1]] = outcome
        write(done, impls, args.mutants, args.profile)

    options = {f"initializer_conformance.adapters.mutants:{n}": MUTANTS[n].options for n in MUTANTS}
    profile = f"--conformance-profile={args.profile}"
    run_many(
        [(f"--impl={impl}", profile, *options.get(impl, ())) for impl in impls],
        args.workers,
        record,
    )
    reference = done["numpy"]
    killed = sum(done[impl].returncode == 1 for impl in impls[1:])
    sys.exit(0 if reference.returncode == 0 and killed == len(args.mutants) else 1)


def write(done: dict, impls: list[str], names: list[str], profile: str = "ci") -> None:
    reference = done.get("numpy")
    mutants = [(name, done.get(impl)) for name, impl in zip(names, impls[1:], strict=True)]
    ran = [outcome for _, outcome in mutants if outcome is not None]
    killed = sum(outcome.returncode == 1 for outcome in ran)
    verdict = (
        "not run yet"
        if reference is None
        else (f"{'passes' if reference.returncode == 0 else 'FAILS'} ({reference.summary})")
    )
    lines = [
        "# Kill table" + ("" if profile == "ci" else f" ({profile} profile)"),
        "",
        "The full run (`pytest conformance --impl=initializer_conformance.adapters.mutants:NAME`, "
        f"profile `{profile}`, default seed) against every mutant of `adapters/mutants.py` "
        f"(`python -m benchmarks.kill_table{'' if profile == 'ci' else ' --profile ' + profile}`).",
        "",
        f"- reference (`--impl=numpy`): {verdict}",
        f"- mutants caught: **{killed} of {len(ran)}**"
        + ("" if len(ran) == len(names) else f" run so far (of {len(names)})"),
        "",
        "| mutant | bug | caught | checks that failed | run time |",
        "|---|---|---|---|---|",
    ]
    for name, outcome in mutants:
        if outcome is None:
            continue
        bug = MUTANTS[name].__doc__.strip().splitlines()[0]
        caught = "yes" if outcome.returncode == 1 else f"**NO** (exit {outcome.returncode})"
        lines.append(
            f"| `{name}` | {bug} | {caught} | {checks(outcome.failed)} | {outcome.seconds:.0f} s |"
        )
    suffix = "" if profile == "ci" else f"_{profile}"
    (ROOT / f"benchmarks/results/kill_table{suffix}.md").write_text("\n".join(lines) + "\n")
    runs = {
        "numpy" if impl == "numpy" else impl.rsplit(":", 1)[1]: done.get(impl) for impl in impls
    }
    (ROOT / f"benchmarks/results/kill_table{suffix}.json").write_text(
        json.dumps(
            {
                name: {
                    "exit": o.returncode,
                    "checks": folded(o.failed),
                    "seconds": round(o.seconds),
                }
                for name, o in runs.items()
                if o is not None
            },
            indent=1,
        )
        + "\n"
    )


#: The runs as fields, one entry per target (``numpy``: the reference; else a mutant's name).
JSON = ROOT / "benchmarks/results/kill_table.json"


def load() -> dict[str, dict]:
    """``{target: {"exit", "checks": {check function: failed tests}, "seconds"}}`` of the
    committed kill table."""
    return json.loads(JSON.read_text())


if __name__ == "__main__":
    main()
