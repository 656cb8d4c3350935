"""False alarms: the full default run against a conforming implementation, for many seeds.

    python -m benchmarks.false_alarms [--seeds 100] [--workers 2] [--impl IMPL]

A conforming implementation must fail a full default run with probability <= 1e-3
(README, "Statistical guarantees"); over 100 seeds the expected number of failing
runs is <= 0.1. ``--impl`` (default ``numpy``, the float64 reference) may name any
conforming implementation: the float32 ports of ``adapters/conforming.py``
(``initializer_conformance.adapters.conforming:TorchLikeFloat32``, ``...:JaxLikeFloat32``)
compute the way real frameworks do. Writes ``benchmarks/results/false_alarms.md`` (or
``--output``).
"""

from __future__ import annotations

import argparse
import statistics

from .runs import ROOT, run_many

#: The test modules whose checks are all exact (they spend no alpha), deselected by
#: ``--statistical-only``.
EXACT_ONLY = " and ".join(
    f"not {name}"
    for name in (
        "test_serialization",
        "test_api",
        "test_dtype",
        "test_deterministic",
        "test_identity",
    )
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--impl", default="numpy")
    parser.add_argument("--output", default="benchmarks/results/false_alarms.md")
    parser.add_argument(
        "--statistical-only",
        action="store_true",
        help="run only the checks that spend alpha (a conforming implementation cannot fail "
        "an exact check by chance: its false-alarm probability is the statistical checks')",
    )
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    outcomes: list = []

    def record(outcome):  # rewrite the results after every run: a long measurement can stop
        outcomes.append(outcome)
        write(outcomes, seeds, args.workers, args.impl, ROOT / args.output)

    only = ("-k", EXACT_ONLY) if args.statistical_only else ()
    run_many(
        [(f"--impl={args.impl}", f"--conformance-seed={s}", *only) for s in seeds],
        args.workers,
        record,
    )


def write(outcomes, seeds, workers, impl, output) -> None:
    failing = [o for o in outcomes if o.returncode != 0]
    times = [o.seconds for o in outcomes]
    lines = [
        f"# False alarms of the full default run against `{impl}`",
        "",
        f"Seeds {seeds.start}..{seeds.stop - 1} (`--conformance-seed`), profile `ci`, "
        f"{len(outcomes)} runs done, "
        f"{workers} runs at a time.",
        "",
        f"- runs: {len(outcomes)}",
        f"- failing runs: **{len(failing)}** (budget: probability <= 1e-3 per run, so <= "
        f"{len(outcomes) * 1e-3:.2g} expected)",
        f"- run time: median {statistics.median(times):.1f} s, max {max(times):.1f} s",
        "",
    ]
    lines += [f"- seed {o.args[1].split('=')[1]} failed: {', '.join(o.failed)}" for o in failing]
    lines += ["| seed | exit | seconds | pytest |", "|---|---|---|---|"]
    lines += [
        f"| {o.args[1].split('=')[1]} | {o.returncode} | {o.seconds:.0f} | {o.summary} |"
        for o in outcomes
    ]
    output.write_text("\n".join(lines) + "\n")
    print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
