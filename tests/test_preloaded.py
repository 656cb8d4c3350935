"""Runs forked from a preloaded process are the runs a fresh interpreter makes."""

import json
import subprocess
import sys
import time

import pytest

from benchmarks import preloaded
from benchmarks.runs import ROOT, suite_command

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="preloaded runs fork: Linux")

#: A test that prints what a fresh process would have: its environment, directory,
#: import path, arguments and seeds.
PROBE = """
import json, os, random, sys
import numpy as np

def test_probe():
    print("PROBE " + json.dumps({
        "env": os.environ.get("PROBE_VALUE"), "cwd": os.getcwd(), "path0": sys.path[0],
        "path1": sys.path[1], "argv": sys.argv[1:], "random": random.random(),
        "numpy": float(np.random.random()), "stdin": sys.stdin.read(),
    }))
"""


@pytest.fixture(scope="module")
def pool():
    pool = preloaded.Pool(ROOT)
    yield pool
    pool.close()


def probe(pool, tmp_path, name):
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {**suite_command()[1], "PROBE_VALUE": name, "PYTHONPATH": "/nowhere"}
    argv = [sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", "test_probe.py"]
    result = pool.run(argv, env, tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(s for s in result.stdout.splitlines() if s.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


def test_a_fork_has_the_environment_directory_path_and_arguments_of_its_run(pool, tmp_path):
    seen = probe(pool, tmp_path, "first")
    assert seen["env"] == "first"
    assert seen["cwd"] == str(tmp_path) == seen["path0"]  # `python -m`: the directory first
    assert seen["path1"] == "/nowhere"  # then PYTHONPATH
    assert seen["argv"] == ["-s", "-q", "-p", "no:cacheprovider", "test_probe.py"]
    assert seen["stdin"] == ""  # nothing to read, as under subprocess.run


def test_each_fork_draws_fresh_seeds(pool, tmp_path):
    first, second = probe(pool, tmp_path, "a"), probe(pool, tmp_path, "b")
    assert first["random"] != second["random"] and first["numpy"] != second["numpy"]


def test_a_fork_gives_the_verdict_and_output_of_a_fresh_run(pool):
    args = ("--impl=initializer_conformance.adapters.mutants:ConstantIgnoresValue", "-q")
    argv, env = suite_command(*args, "--no-report", "-k", "test_deterministic")
    fresh = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)
    forked = pool.run(argv, env, ROOT, timeout=600)
    assert forked.returncode == fresh.returncode == 1
    # the same lines, but for the durations pytest prints
    assert strip_times(forked.stdout) == strip_times(fresh.stdout)


def strip_times(text: str) -> list[str]:
    return [line.rsplit(" in ", 1)[0] for line in text.splitlines()]


def test_a_run_past_its_timeout_is_killed_and_raises_as_subprocess_does(pool, tmp_path):
    (tmp_path / "test_sleep.py").write_text("import time\ndef test_sleep(): time.sleep(600)\n")
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sleep.py"]
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        pool.run(argv, suite_command()[1], tmp_path, timeout=3)
    assert time.monotonic() - start < 30
    assert probe(pool, tmp_path, "after")["env"] == "after"  # the pool still serves


def test_only_a_pytest_command_is_forked(pool):
    with pytest.raises(ValueError, match="not a `python -m pytest` command"):
        pool.run([sys.executable, "-c", "pass"], {}, ROOT, timeout=10)
