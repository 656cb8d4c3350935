"""The committed framework pages, regenerated on this version of the suite: one command.

    python -m benchmarks.pages [--jobs 2] [--only NAME ...]

Runs the default (ci) profile against the reference and every framework target of CI
(``TARGETS``: Keras on each backend), each writing its results file and page into
``reports/frameworks/`` (``NAME.json``, ``NAME.html``), then merges them into
``reports/frameworks/index.html`` and writes each page's counts into the table of frameworks
(``docs/findings.md``). The pages say which suite version, profile and date
made them; ``tests/test_reports_pages.py`` fails when a committed page is of another version
than the package, and ``merge`` refuses to combine versions.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from initializer_conformance.reports import __main__ as reports_cli
from initializer_conformance.reports import results

from .runs import ROOT, suite_command

PAGES = ROOT / "reports" / "frameworks"

#: Where the framework table and its counts are (the README links to it).
README = ROOT / "docs" / "findings.md"

#: ``(page name, --impl, KERAS_BACKEND)``: the reference and CI's framework targets (each
#: run in one process, tinygrad's with two workers, as ``.ci/run`` runs them).
TARGETS = (
    ("numpy", "numpy", None),
    ("torch", "torch", None),
    ("jax", "jax", None),
    ("flax", "flax", None),
    ("keras-jax", "keras", "jax"),
    ("keras-torch", "keras", "torch"),
    ("keras-tensorflow", "keras", "tensorflow"),
    ("keras-numpy", "keras", "numpy"),
    ("tf_keras", "tf_keras", None),
    ("mlx", "mlx", None),
    ("paddle", "paddle", None),
    ("tinygrad", "tinygrad", None),
)


#: The table's row of each page, by the framework its first cell names.
README_ROWS = {
    "numpy": r"`numpy`",
    "torch": r"`torch`",
    "jax": r"`jax`",
    "flax": r"`flax`",
    "keras-jax": r"`keras`[^|]*jax backend",
    "keras-torch": r"`keras`[^|]*torch backend",
    "keras-tensorflow": r"`keras`[^|]*tensorflow backend",
    "keras-numpy": r"`keras`[^|]*numpy backend",
    "tf_keras": r"`tf_keras`",
    "mlx": r"`mlx`",
    "paddle": r"`paddle`",
    "tinygrad": r"`tinygrad`",
}


def counts(name: str) -> str:
    """``pass / deviating / unsupported`` of a committed page, as the table states them
    (the third: every check that did not run, skipped or unsupported)."""
    totals = results.load(PAGES / f"{name}.json")["totals"]
    deviating = totals["known-deviation"] + totals["fail"] + totals["error"]
    return f"{totals['pass']} / {deviating} / {totals['unsupported'] + totals['skipped']}"


def readme_counts(text: str) -> dict[str, str]:
    """The counts the framework table states, by page name."""
    found = {}
    for name, label in README_ROWS.items():
        match = re.search(rf"^\| {label}[^|]*\| (\d+ / \d+ / \d+) \|", text, flags=re.M)
        if match:
            found[name] = match.group(1)
    return found


def update_readme() -> None:
    """Write each page's counts into the framework table."""
    text = README.read_text(encoding="utf-8")
    for name, label in README_ROWS.items():
        text = re.sub(
            rf"^(\| {label}[^|]*\| )\d+ / \d+ / \d+( \|)",
            lambda m, name=name: m.group(1) + counts(name) + m.group(2),
            text,
            flags=re.M,
        )
    README.write_text(text, encoding="utf-8")


def run(name: str, impl: str, backend: str | None) -> tuple[str, int, str]:
    """One target's default run, writing its page; ``(name, exit status, pytest's last
    line)`` (a run with known deviations exits 0; a new deviation exits 1: its page is
    written all the same, and says so)."""
    workers = ("-n", "2") if impl == "tinygrad" else ()
    argv, env = suite_command(
        f"--impl={impl}",
        *workers,
        "-q",
        "-p",
        "no:randomly",
        f"--report-json={PAGES / f'{name}.json'}",
        f"--report-html={PAGES / f'{name}.html'}",
    )
    if backend:
        env = {**env, "KERAS_BACKEND": backend}
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    lines = result.stdout.strip().splitlines()
    return name, result.returncode, lines[-1] if lines else result.stderr[-300:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time")
    parser.add_argument("--only", nargs="*", default=None, help="page names to regenerate")
    args = parser.parse_args()
    chosen = [t for t in TARGETS if args.only is None or t[0] in args.only]
    failed = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for name, status, last in pool.map(lambda t: run(*t), chosen):
            print(f"{name}: exit {status}: {last}", flush=True)
            failed += status not in (0, 1)
    pages = [str(PAGES / f"{name}.json") for name, _, _ in TARGETS]
    status = reports_cli.main(["merge", *pages, "-o", str(PAGES / "index.html")])
    if not status:
        update_readme()
    return 1 if failed or status else 0


if __name__ == "__main__":
    sys.exit(main())
