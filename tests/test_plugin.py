"""The pytest plugin: inert without --impl, and one run's state per session."""

import subprocess
import sys

from benchmarks.runs import ROOT

TWO_RUNS = """
import sys, pytest
from initializer_conformance.conformance import run
codes = []
for impl in ("numpy-keras3", "numpy"):  # editions keras3, then keras2: Identity differs
    codes.append(int(pytest.main(["conformance", f"--impl={impl}", "-q", "--no-report",
                                  "-p", "no:cacheprovider", "-k", "identity or spec_value"])))
    assert run._current is None, "the run outlived its session"
print("codes", codes)
"""


def test_two_runs_in_one_process_share_no_state():
    """A second session in the same process sees its own adapter and edition: a leak of
    the first run's keras3 edition would fail the keras2 run's Identity and API checks."""
    result = subprocess.run(
        [sys.executable, "-c", TWO_RUNS], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert "codes [0, 0]" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    assert "edition keras3; seed" in result.stdout and "edition keras2; seed" in result.stdout


def test_without_impl_the_plugin_adds_nothing(tmp_path):
    (tmp_path / "test_mine.py").write_text("def test_mine():\n    assert sum([1, 2]) == 3\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "1 passed" in result.stdout
    assert "conformance:" not in result.stdout  # no header
    assert "= conformance =" not in result.stdout  # no summary section
    assert not (tmp_path / "reports").exists()
    help_text = subprocess.run(
        [sys.executable, "-m", "pytest", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "--impl=IMPL" in help_text and "initializer conformance suite" in help_text
