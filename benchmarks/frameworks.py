"""Every framework target's full default run, one after the other, the reference first.

    python -m benchmarks.frameworks [--python /work/fw/bin/python] [--findings] [TARGET ...]
    python -m benchmarks.frameworks --findings-only

Each target is run as a port's CI starts it: ``pytest conformance --impl=IMPL`` at the
``ci`` profile, ``-n auto`` (serial where workers cannot pay, ``conformance/workers.py``),
no report, with cold caches (no JAX persistent compilation
cache, no ``XLA_FLAGS``, a fresh tinygrad kernel cache). The counting hook
(``conformance/calllog.py``, switched on by ``INITIALIZER_CONFORMANCE_CALL_LOG``) gives,
per run: the adapter calls, the values drawn, the distinct shapes and (initializer,
shape, dtype), each worker's peak RSS when it made its last call, and JAX's
compilations. The largest process of the run (``wait4``'s ``ru_maxrss``, which covers the
pytest process, its workers and anything they started) is what the 2 GiB bound is
checked against. Wall time is divided by the reference's in the same batch; the
1-minute load average before and after each run says how shared the machine was.

TARGET is ``IMPL`` or ``IMPL:KERAS_BACKEND`` (``keras:jax``); the default is every
built-in framework. Writes ``benchmarks/results/frameworks.md`` (``--output``) after
every run, so a stopped measurement keeps what it measured. Exits 1 if a run failed, was
slower than its bound (3x the reference's, 40x for tinygrad) or had a process above
2 GiB.
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from initializer_conformance.conformance import calllog

from .runs import ROOT, git, uncommitted_suite_files

#: The reference first: every other run is measured against it.
TARGETS = (
    "numpy",
    "torch",
    "jax",
    "flax",
    "keras:jax",
    "keras:torch",
    "keras:tensorflow",
    "keras:numpy",
    "tf_keras",
    "mlx",
    "paddle",
    "tinygrad",
)
#: A target's wall time, at most, in units of the reference's (issue #15).
BOUNDS = {"tinygrad": 40.0}
DEFAULT_BOUND = 3.0
#: No process of a run above this (issue #15).
MEMORY_BOUND_MIB = 2048
#: Environment variables of a warm cache or a tuned compiler, removed for a cold run.
WARM = (
    "JAX_COMPILATION_CACHE_DIR",
    "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS",
    "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES",
    "XLA_FLAGS",
)


@dataclass
class Measurement:
    target: str
    exit: int
    seconds: float
    summary: str
    load: tuple[float, float]
    calls: int = 0
    values: int = 0
    shapes: int = 0
    combinations: int = 0
    workers_mib: list[float] = field(default_factory=list)
    largest_mib: float = 0.0
    compiles: int = 0
    compile_seconds: float = 0.0
    failed: list[str] = field(default_factory=list)
    by_check: Counter = field(default_factory=Counter)  # adapter calls per check


def command(python: str, target: str, workers: str, profile: str, extra: list[str]):
    """``(argv, environment)`` of one target's run from the repository root."""
    impl, _, backend = target.partition(":")
    argv = [
        python,
        "-m",
        "pytest",
        "conformance",
        f"--impl={impl}",
        f"--conformance-profile={profile}",
        "-n",
        str(workers),
        "--no-report",
        "-q",
        "-p",
        "no:cacheprovider",
        *extra,
    ]
    env = {k: v for k, v in os.environ.items() if k not in WARM}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's suite, as benchmarks/runs.py runs it
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as on a user's machine
    if backend:
        env["KERAS_BACKEND"] = backend
    return argv, env


def run(python: str, target: str, workers: str, profile: str, extra: list[str]) -> Measurement:
    """One target's run, counted."""
    argv, env = command(python, target, workers, profile, extra)
    with tempfile.TemporaryDirectory(prefix="frameworks-") as scratch:
        logs = Path(scratch, "calls")
        env[calllog.VARIABLE] = str(logs)
        env["CACHEDB"] = str(Path(scratch, "tinygrad-cache.db"))  # tinygrad's kernels, cold
        output = Path(scratch, "output.txt")
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        with output.open("w") as sink:
            process = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
            )
            # wait4: the rusage of the run's whole process tree (ru_maxrss: its largest process)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        text = output.read_text(errors="replace")
        lines = text.strip().splitlines()
        measured = Measurement(
            target,
            process.returncode,
            seconds,
            lines[-1] if lines else "",
            (load_before, os.getloadavg()[0]),
            largest_mib=usage.ru_maxrss / 1024,
            failed=re.findall(r"^FAILED (\S+)", text, flags=re.M),
        )
        count(measured, logs)
    return measured


def count(measured: Measurement, logs: Path) -> None:
    """Add up the processes' call logs (``conformance/calllog.py``'s lines)."""
    shapes, combinations = set(), set()
    for log in sorted(logs.glob("*.tsv")) if logs.exists() else []:
        peak = compiles = 0
        compile_seconds = 0.0
        for line in log.read_text().splitlines():
            identifier, shape, dtype, size, rss, jit, jit_seconds, check = line.split("\t")
            measured.calls += 1
            measured.by_check[check.rsplit("::", 1)[-1]] += 1
            measured.values += int(size)
            shapes.add(ast.literal_eval(shape))
            combinations.add((identifier, shape, dtype))
            peak = max(peak, int(rss))
            compiles, compile_seconds = int(jit), float(jit_seconds)
        measured.workers_mib.append(peak / 1024)
        measured.compiles += compiles
        measured.compile_seconds += compile_seconds
    measured.shapes, measured.combinations = len(shapes), len(combinations)


def bound(target: str) -> float:
    return BOUNDS.get(target.partition(":")[0], DEFAULT_BOUND)


def problems(measured: Measurement, reference: Measurement | None) -> list[str]:
    """What this run breaks: its exit, its time bound, the memory bound."""
    found = []
    if measured.exit != 0:
        found.append(f"exit {measured.exit}")
    if reference is not None and measured is not reference:
        ratio = measured.seconds / reference.seconds
        if ratio > bound(measured.target):
            found.append(f"{ratio:.1f}x the reference (bound {bound(measured.target):g}x)")
    if measured.largest_mib > MEMORY_BOUND_MIB:
        found.append(f"a process of {measured.largest_mib:.0f} MiB")
    return found


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) / 2**20
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = float("nan")
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}"


def revision() -> str:
    """The commit measured, and whether the suite's files differed from it."""
    head = git("log", "-1", "--format=%h %s")
    if not head:
        return "unknown"
    changed = uncommitted_suite_files()
    return f"`{head}`" + (
        f" plus {len(changed)} uncommitted file(s) of the suite" if changed else ""
    )


def report(measurements: list[Measurement], args, started: str, versions: str) -> str:
    """The results page; ``started``: when and at which commit the batch started."""
    reference = measurements[0] if measurements and measurements[0].target == "numpy" else None
    lines = [
        "# Framework runs",
        "",
        "Every framework target's full default run, one after the other, the reference first "
        "(`python -m benchmarks.frameworks`): `pytest conformance --impl=IMPL "
        f"--conformance-profile={args.profile} -n {args.workers} --no-report`, cold caches (no "
        "JAX persistent compilation cache, no `XLA_FLAGS`, a fresh tinygrad kernel cache).",
        "",
        f"- machine: {machine()}",
        f"- started: {started}",
        f"- python: `{args.python}` ({versions})",
        "- load: the 1-minute load average before -> after each run (2 cores: a load above 2 "
        "means other work shared the machine; every ratio is to the reference of the same batch)",
        "",
        "Calls, values, shapes: what the suite asked of the adapter through "
        "`conformance/sampling.py: call` (`conformance/calllog.py`). Workers' RSS: each "
        "worker's peak when it made its last call; largest process: the peak of the run's "
        f"largest process (`wait4`), against the {MEMORY_BOUND_MIB} MiB bound. JAX "
        "compilations: XLA backend compilations in the workers (`jax.monitoring`), with their "
        "seconds.",
        "",
        "| target | exit | wall | x reference (bound) | calls | values | distinct shapes "
        "| distinct (initializer, shape, dtype) | workers' peak RSS | largest process "
        "| JAX compilations | load | pytest |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in measurements:
        ratio = f"{m.seconds / reference.seconds:.1f}" if reference else "-"
        ratio += "" if m is reference else f" ({bound(m.target):g})"
        jit = f"{m.compiles} ({m.compile_seconds:.0f} s)" if m.compiles else "-"
        rss = ", ".join(f"{mib:.0f}" for mib in m.workers_mib) + " MiB"
        lines.append(
            f"| {m.target} | {m.exit} | {m.seconds:.1f} s | {ratio} | {m.calls:,} | "
            f"{m.values / 1e6:.1f} M | {m.shapes} | {m.combinations} | {rss} | "
            f"{m.largest_mib:.0f} MiB | {jit} | {m.load[0]:.1f} -> {m.load[1]:.1f} | {m.summary} |"
        )
    checks = sorted(
        {c for m in measurements for c in m.by_check},
        key=lambda c: -sum(m.by_check[c] for m in measurements),
    )
    lines += [
        "",
        "Adapter calls per check (the checks that make the most first):",
        "",
        "| target | " + " | ".join(f"`{c}`" for c in checks) + " |",
        "|---|" + "---|" * len(checks),
    ]
    lines += [
        f"| {m.target} | " + " | ".join(f"{m.by_check[c]:,}" for c in checks) + " |"
        for m in measurements
    ]
    broken = [(m, problems(m, reference)) for m in measurements]
    lines += ["", "Bounds: " + ("all met." if not any(p for _, p in broken) else "")]
    lines += [f"- {m.target}: {', '.join(p)}" for m, p in broken if p]
    for m in measurements:
        if m.failed:
            lines.append(f"- {m.target} failed: {', '.join(m.failed)}")
    return "\n".join(lines) + "\n"


def framework_versions(python: str) -> str:
    probe = (
        "import importlib.metadata as m\n"
        "names = ['numpy', 'torch', 'jax', 'flax', 'keras', 'tf_keras', 'tensorflow', 'mlx',"
        " 'paddlepaddle', 'tinygrad']\n"
        "found = []\n"
        "for n in names:\n"
        "    try: found.append(f'{n} {m.version(n)}')\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(', '.join(found))\n"
    )
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return result.stdout.strip() or "versions unknown"


#: The table of run times in the findings (the README links to it), written by :func:`findings_table`.
FINDINGS = ROOT / "docs" / "findings.md"
#: Each target's label in that table.
LABELS = {
    "numpy": "numpy (reference)",
    "keras:jax": "keras, jax backend",
    "keras:torch": "keras, torch backend",
    "keras:tensorflow": "keras, tensorflow backend",
    "keras:numpy": "keras, numpy backend",
}
TABLE_HEAD = "| target | wall | × reference | adapter calls | distinct shapes | JAX compilations | largest process |"


def findings_table(results: str) -> str:
    """The findings' table of run times, from a results page of :func:`report` (its rows:
    target, exit, wall, ratio, calls, values, shapes, combinations, RSS, largest process,
    compilations, load, pytest)."""
    rows = [TABLE_HEAD, "|---|---|---|---|---|---|---|"]
    for line in results.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 13 or not cells[2].endswith(" s") or cells[0] == "target":
            continue
        target, _, wall, ratio, calls, _, shapes, _, _, largest, jit, _, _ = cells
        rows.append(
            f"| {LABELS.get(target, target)} | {wall} | {ratio.split()[0]} "
            f"| {calls} | {shapes} | {jit.split()[0]} | {largest} |"
        )
    return "\n".join(rows) + "\n"


def write_findings(results: str) -> None:
    """Replace the findings' table of run times (the lines from its head to the next blank
    line) with the one of ``results`` (a page of :func:`report`)."""
    text = FINDINGS.read_text(encoding="utf-8")
    start = text.index(TABLE_HEAD)
    end = text.index("\n\n", start) + 1
    FINDINGS.write_text(text[:start] + findings_table(results) + text[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=list(TARGETS))
    parser.add_argument("--python", default=sys.executable, help="the interpreter of the runs")
    parser.add_argument(
        "--workers",
        default="auto",
        help="-n: auto (a port's default: serial where workers cannot pay), or a count",
    )
    parser.add_argument("--profile", default="ci")
    parser.add_argument("--output", default="benchmarks/results/frameworks.md")
    parser.add_argument("--pytest-args", default="", help="more pytest arguments, one string")
    parser.add_argument(
        "--findings", action="store_true", help="then write the run times into docs/findings.md"
    )
    parser.add_argument(
        "--findings-only", action="store_true", help="no run: --output's times into the findings"
    )
    args = parser.parse_args()
    extra = shlex.split(args.pytest_args)
    if args.findings_only:
        write_findings((ROOT / args.output).read_text())
        return
    # the commit when the batch starts (the suite's files may change while it runs)
    started = f"{time.strftime('%Y-%m-%d %H:%M %Z')}; commit {revision()}"
    versions = framework_versions(args.python)
    measurements: list[Measurement] = []
    for target in args.targets:
        measured = run(args.python, target, args.workers, args.profile, extra)
        measurements.append(measured)
        print(
            f"{target}: exit {measured.exit}, {measured.seconds:.1f} s, {measured.calls} calls, "
            f"{measured.shapes} shapes, largest process {measured.largest_mib:.0f} MiB, "
            f"{measured.compiles} compilations; {measured.summary}",
            flush=True,
        )
        (ROOT / args.output).write_text(report(measurements, args, started, versions))
    reference = measurements[0] if measurements[0].target == "numpy" else None
    if args.findings:
        write_findings((ROOT / args.output).read_text())
    sys.exit(1 if any(problems(m, reference) for m in measurements) else 0)


if __name__ == "__main__":
    main()
