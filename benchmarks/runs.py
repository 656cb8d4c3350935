"""Run the suite in subprocesses, a few at a time, and read their verdicts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import preloaded

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Outcome:
    args: tuple[str, ...]
    returncode: int
    failed: list[str]  # node ids
    seconds: float
    summary: str  # pytest's last line


#: The suite's files: a run's verdict depends on these (and on nothing else of the tree).
SUITE_FILES = ("conformance", "adapters", "reference")


def git(*args: str) -> str:
    """``git ARGS`` in the repository, its output stripped ("" without git)."""
    if shutil.which("git") is None:
        return ""
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def uncommitted_suite_files() -> list[str]:
    """The suite's files that differ from the commit checked out."""
    return [line for line in git("status", "--porcelain", "--", *SUITE_FILES).split("\n") if line]


def suite_command(*args: str) -> tuple[list[str], dict[str, str]]:
    """``(argv, environment)`` of ``pytest conformance ARGS`` run from the repository root."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Cached bytecode, as on a user's machine: under PYTHONDONTWRITEBYTECODE (set in some CI
    # sandboxes) every run compiles the suite and rewrites its asserts again (~1 s a run).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return [sys.executable, "-m", "pytest", "conformance", "-p", "no:cacheprovider", *args], env


#: Where :func:`suite_process` starts its runs: ``None``, fresh interpreters (what a user
#: starts, and what the benchmarks time); the project's tests use preloaded forks instead
#: (:func:`preload`).
_PRELOADED: preloaded.Pool | None = None


def preload() -> None:
    """Start this process's later suite runs from preloaded forks (benchmarks/preloaded.py):
    the same runs, without 2.5 s of imports each. Linux only; elsewhere a no-op."""
    global _PRELOADED
    if _PRELOADED is None and sys.platform == "linux":
        _PRELOADED = preloaded.Pool(ROOT)


def suite_process(*args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run ``pytest conformance ARGS`` from the repository root, as a user would."""
    argv, env = suite_command(*args)
    if _PRELOADED is not None:
        return _PRELOADED.run(argv, env, ROOT, timeout)
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def run_suite(*args: str) -> Outcome:
    """One quiet run without report, and its verdict."""
    start = time.perf_counter()
    result = suite_process("-q", "--no-report", *args)
    lines = result.stdout.strip().splitlines()
    return Outcome(
        args,
        result.returncode,
        re.findall(r"^FAILED (\S+)", result.stdout, flags=re.M),
        time.perf_counter() - start,
        lines[-1] if lines else result.stderr[-500:],
    )


def run_many(
    arg_lists: list[tuple[str, ...]], workers: int = 2, progress=lambda outcome: None
) -> list[Outcome]:
    """Run each argument list as one suite run, ``workers`` at a time, in order."""
    with ThreadPoolExecutor(workers) as pool:
        outcomes = []
        for outcome in pool.map(lambda a: run_suite(*a), arg_lists):
            progress(outcome)
            outcomes.append(outcome)
        return outcomes
