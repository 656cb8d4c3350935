"""Where the default run's time goes: per test module, per kind of work, and under xdist.

    python -m benchmarks.profile [--impl numpy] [--output benchmarks/results/profile.md]

Two runs of the default (ci) profile, from the repository root:

* serial, in this process under cProfile: the time of each test module (setup, call and
  teardown of its tests) and of each kind of work (:data:`KINDS`), each function's own
  time counted once, a C function's (numpy's sort, a generator's draw) for the kind of the
  Python function that called it most;
* with ``-n 2`` (pytest-xdist), as a subprocess: its wall time, and the time its tests
  took (from its results file); the rest of the workers' time is their start-up (each
  loads the interpreter, the adapter's framework and the suite, and collects) and waiting.

Writes a Markdown table (``benchmarks/results/profile.md``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from .runs import ROOT, suite_command

#: Kinds of work, by where a function lives (the first that matches its file or name).
KINDS = (
    ("drawing (the adapter's calls)", ("/reference/", "/adapters/", "numpy/random", "Generator")),
    (
        "statistics",
        ("/conformance/stats", "/conformance/dependence", "/conformance/spectral", "scipy/"),
    ),
    ("Hypothesis", ("hypothesis/",)),
    (
        "fresh processes (spawn and wait)",
        ("subprocess.py", "/conformance/fresh", "waitpid", "fork_exec", "select.poll", "poll'"),
    ),
    ("imports", ("importlib", "<frozen", "marshal", "create_dynamic", "exec_module")),
    (
        "pytest, plugins and reports",
        ("_pytest/", "pluggy/", "/conformance/plugin", "/conformance/run", "/reports/", "xdist/"),
    ),
    ("the checks' own code", ("/conformance/",)),
    ("numpy", ("numpy/",)),
)
OTHER = "other"


def kind_of(where: str) -> str:
    for kind, marks in KINDS:
        if any(mark in where for mark in marks):
            return kind
    return OTHER


def _where(func: tuple[str, int, str]) -> str:
    filename, _, name = func
    return f"{filename}:{name}"


#: Code that works for others: its own time is counted for the kind of its main caller.
LIBRARIES = ("~", "numpy/", "/python3.", "scipy/_lib")


def by_kind(raw: dict) -> Counter:
    """Seconds of own time per kind, from ``pstats.Stats(...).stats`` (``{func: (calls,
    primitive calls, own time, cumulative time, callers)}``). A library's function (C,
    numpy's Python, the standard library) counts for the kind of its main caller (by the
    time that went through it), followed up to 20 callers."""
    out: Counter = Counter()
    for func, (_, _, tottime, _, callers) in raw.items():
        where = _where(func)
        for _ in range(20):
            if not callers or kind_of(where) not in (OTHER, "numpy"):
                break
            if not any(func[0].startswith(lib) or lib in func[0] for lib in LIBRARIES):
                break
            func = max(callers.items(), key=lambda kv: kv[1][3])[0]
            where, callers = _where(func), raw.get(func, (0, 0, 0, 0, {}))[4]
        out[kind_of(where)] += tottime
    return out


class Durations:
    """Per test module: the seconds of its tests' setup, call and teardown."""

    def __init__(self) -> None:
        self.modules: Counter = Counter()

    def pytest_runtest_logreport(self, report) -> None:
        self.modules[report.nodeid.split("::")[0]] += report.duration


def serial(impl: str) -> tuple[float, Counter, Counter]:
    import pytest

    durations, profiler = Durations(), cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    pytest.main(
        [
            "conformance",
            f"--impl={impl}",
            "--no-report",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        plugins=[durations],
    )
    profiler.disable()
    wall = time.perf_counter() - start
    return wall, durations.modules, by_kind(pstats.Stats(profiler).stats)


def parallel(impl: str, workers: int) -> dict:
    """The ``-n workers`` run: its wall time and its tests' time."""
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        argv, env = suite_command(
            f"--impl={impl}",
            "-n",
            str(workers),
            "-q",
            "-p",
            "no:randomly",
            f"--report-json={results}",
            f"--report-html={Path(tmp) / 'page.html'}",
        )
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        tests = sum(t["duration"] for t in json.loads(results.read_text())["tests"])
    return {"wall": wall, "tests": tests, "workers": workers}


def report(impl: str, wall: float, modules: Counter, kinds: Counter, xdist: dict) -> str:
    total = sum(kinds.values())
    lines = [
        f"# Where the default run's time goes (`--impl={impl}`)",
        "",
        "`python -m benchmarks.profile`: the default (ci) profile from the repository root, "
        "serial under cProfile (its overhead included), then with `-n "
        f"{xdist['workers']}` as a user runs it.",
        "",
        f"- serial: **{wall:.1f} s** wall under cProfile; the tests themselves "
        f"{sum(modules.values()):.1f} s, the rest start-up, collection and the session's end",
        f"- `-n {xdist['workers']}`: **{xdist['wall']:.1f} s** wall; its tests took "
        f"{xdist['tests']:.1f} s of worker time, so {xdist['workers'] * xdist['wall'] - xdist['tests']:.1f} "
        "worker-seconds went to start-up (each worker loads the framework and the suite "
        "again, and collects) and to waiting",
        "",
        "## By test module (serial)",
        "",
        "| module | seconds | share |",
        "|---|---|---|",
    ]
    tests = sum(modules.values())
    lines += [
        f"| `{module}` | {seconds:.1f} | {seconds / tests:.0%} |"
        for module, seconds in modules.most_common()
    ]
    lines += [
        "",
        "## By kind of work (serial, own time under cProfile)",
        "",
        "| work | seconds | share |",
        "|---|---|---|",
    ]
    lines += [
        f"| {kind} | {seconds:.1f} | {seconds / total:.0%} |"
        for kind, seconds in kinds.most_common()
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default="numpy")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/profile.md")
    args = parser.parse_args()
    wall, modules, kinds = serial(args.impl)
    xdist = parallel(args.impl, args.workers)
    args.output.write_text(report(args.impl, wall, modules, kinds, xdist))
    print(args.output.read_text())


if __name__ == "__main__":
    main()
