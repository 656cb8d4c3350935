"""False alarms: the full default run against a conforming implementation, for many seeds.

    python -m benchmarks.false_alarms [--seeds 100] [--workers 2] [--impl IMPL]
    python -m benchmarks.false_alarms --riskiest 20   # the audit's riskiest seeds

A conforming implementation must fail a full default run with probability <= 1e-3
(docs/statistics.md); over 100 seeds the expected number of failing
runs is <= 0.1. ``--impl`` (default ``numpy``, the float64 reference) may name any
conforming implementation: the float32 ports of ``adapters/conforming.py``
(``initializer_conformance.adapters.conforming:TorchLikeFloat32``, ``...:JaxLikeFloat32``)
compute the way real frameworks do, and the framework adapters (``--impl torch``). Writes
``benchmarks/results/false_alarms.md`` (or ``--output``) after every run, each row with
the commit it ran at; ``--riskiest N`` runs the N seeds the calibration audit
(``benchmarks/calibration.py``) found likeliest to fail, plus the seeds earlier versions
failed (534, 1988, 1206), into ``false_alarms_riskiest.md``; ``--resume`` continues such
a file (a measurement of 100 runs takes an hour on 2 cores and may be stopped),
``--rerun SEED...`` runs seeds again and keeps their earlier result as a note.
"""

from __future__ import annotations

import argparse
import re
import statistics
from dataclasses import dataclass

from .runs import ROOT, Outcome, git, run_many, uncommitted_suite_files

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
    parser.add_argument("--output")
    parser.add_argument(
        "--riskiest",
        type=int,
        help="run the audit's N riskiest seeds and the seeds earlier versions failed",
    )
    parser.add_argument(
        "--statistical-only",
        action="store_true",
        help="run only the checks that spend alpha (a conforming implementation cannot fail "
        "an exact check by chance: its false-alarm probability is the statistical checks')",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the runs already in --output (each row names the commit it ran at) and "
        "run only the seeds it lacks",
    )
    parser.add_argument(
        "--rerun",
        type=int,
        nargs="*",
        default=[],
        help="with --resume: run these seeds again; the notes keep their earlier result",
    )
    args = parser.parse_args()
    if args.riskiest:
        seeds = riskiest(args.riskiest)
        default = "benchmarks/results/false_alarms_riskiest.md"
    else:
        seeds = list(range(args.first_seed, args.first_seed + args.seeds))
        default = "benchmarks/results/false_alarms.md"
    output = ROOT / (args.output or default)
    outcomes, notes = read(output, args.rerun) if args.resume else ([], [])
    done = {o.seed for o in outcomes}
    commit = head_commit()

    def record(outcome):  # rewrite the results after every run: a long measurement can stop
        outcomes.append(Run.of(outcome, commit))
        write(outcomes, notes, seeds, args.workers, args.impl, output)

    only = ("-k", EXACT_ONLY) if args.statistical_only else ()
    run_many(
        [(f"--impl={args.impl}", f"--conformance-seed={s}", *only) for s in seeds if s not in done],
        args.workers,
        record,
    )


#: Seeds that failed the reference in earlier versions (docs/statistics.md).
FAILED_BEFORE = (534, 1988, 1206)


def riskiest(count: int) -> list[int]:
    """The ``count`` seeds of the committed calibration audit with the most expected false
    alarms (any implementation), then :data:`FAILED_BEFORE`."""
    from . import calibration

    ranked = calibration.riskiest_seeds(calibration.RESULTS / "calibration.json.gz")
    chosen = ranked[:count]
    return chosen + [s for s in FAILED_BEFORE if s not in chosen]


@dataclass
class Run:
    """One row of the results: a seed's verdict, and the commit the suite ran at."""

    seed: int
    returncode: int
    seconds: float
    summary: str
    commit: str
    failed: list[str]

    @classmethod
    def of(cls, outcome: Outcome, commit: str) -> Run:
        seed = int(outcome.args[1].split("=")[1])
        return cls(
            seed, outcome.returncode, outcome.seconds, outcome.summary, commit, outcome.failed
        )


def head_commit() -> str:
    """The commit the runs start at (``+`` when the suite's files differ from it)."""
    return git("rev-parse", "--short", "HEAD") + ("+" if uncommitted_suite_files() else "")


ROW = re.compile(r"^\| (\d+) \| (-?\d+) \| (\d+) \| (.*) \| (\w+\+?) \|$")
FAILED = re.compile(r"^- seed (\d+) failed(?: at \w+\+?)?: (.*)$")
NOTE = re.compile(r"^- note: ")


def read(output, rerun) -> tuple[list[Run], list[str]]:
    """The runs and notes of an earlier results file; the seeds to rerun become notes."""
    if not output.exists():
        return [], []
    lines = output.read_text().splitlines()
    failed = {int(m[1]): m[2].split(", ") for m in map(FAILED.match, lines) if m}
    notes = [line for line in lines if NOTE.match(line)]
    runs = []
    for m in filter(None, map(ROW.match, lines)):
        run = Run(int(m[1]), int(m[2]), float(m[3]), m[4], m[5], failed.get(int(m[1]), []))
        if run.seed in rerun:
            notes.append(
                f"- note: seed {run.seed} run again; earlier: exit {run.returncode} at "
                f"{run.commit}" + (f" ({', '.join(run.failed)})" if run.failed else "")
            )
        else:
            runs.append(run)
    return runs, notes


def write(runs, notes, seeds, workers, impl, output) -> None:
    runs = sorted(runs, key=lambda r: r.seed)
    failing = [r for r in runs if r.returncode != 0]
    times = [r.seconds for r in runs]
    commits = sorted({r.commit for r in runs})
    seeds = list(seeds)
    contiguous = seeds == list(range(seeds[0], seeds[-1] + 1))
    which = f"{seeds[0]}..{seeds[-1]}" if contiguous else ", ".join(map(str, seeds))
    lines = [
        f"# False alarms of the full default run against `{impl}`",
        "",
        f"Seeds {which} (`--conformance-seed`), profile `ci`, "
        f"{len(runs)} runs done, {workers} runs at a time, at commit "
        f"{', '.join(commits)} (each row says which).",
        "",
        f"- runs: {len(runs)}",
        f"- failing runs: **{len(failing)}** (budget: probability <= 1e-3 per run, so <= "
        f"{len(runs) * 1e-3:.2g} expected)",
        f"- run time: median {statistics.median(times):.1f} s, max {max(times):.1f} s",
        *notes,
        "",
    ]
    lines += [f"- seed {r.seed} failed at {r.commit}: {', '.join(r.failed)}" for r in failing]
    lines += ["| seed | exit | seconds | pytest | commit |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.seed} | {r.returncode} | {r.seconds:.0f} | {r.summary} | {r.commit} |" for r in runs
    ]
    output.write_text("\n".join(lines) + "\n")
    print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
