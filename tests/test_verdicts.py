"""Verdicts a port's CI can rely on (issue 27): a partial run is never a verdict of
conformance, a stale known deviation is a failed test in every tool's counts, and every
record of a run names the suite's version, edition and profile.

The runs start from a directory of their own, as a port's CI starts them, with the outer
test's ``PYTEST_CURRENT_TEST`` removed (a run started from inside a test writes no default
report): what lands in ``reports/`` is what a user gets.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from benchmarks.runs import ROOT, suite_process
from initializer_conformance.conformance.version import suite_version

MUTANT = "--impl=initializer_conformance.adapters.mutants:UntruncatedGlorotNormal"


def command(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``initializer-conformance ARGS`` from ``cwd``, outside any test."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST",)}
    base.pop("GITHUB_STEP_SUMMARY", None)
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "initializer_conformance", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env={**base, **(env or {})},
    )


def test_a_deselected_run_is_partial_and_leaves_the_full_runs_report_alone(tmp_path):
    """-k: the terminal, the report and its page say "partial"; the full run's files
    (reports/numpy.*) are kept; nothing goes to the job summary unasked."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "numpy.json").write_text("the full run's results")
    (reports / "numpy.html").write_text("the full run's page")
    github = tmp_path / "github.md"
    result = command(
        tmp_path,
        "--impl=numpy",
        "-k",
        "test_identity_shape",
        env={"GITHUB_STEP_SUMMARY": str(github)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    total = int(re.search(r"collected (\d+) items", result.stdout).group(1))
    line = f"partial: 7 of {total} checks ran (-k 'test_identity_shape'); no conformance verdict"
    assert line in result.stdout
    assert (reports / "numpy.json").read_text() == "the full run's results"
    assert (reports / "numpy.html").read_text() == "the full run's page"
    data = json.loads((reports / "numpy.partial.json").read_text())
    assert data["verdict"] == "partial" and data["totals"]["pass"] == 7
    assert data["partial"] == {
        "ran": 7,
        "selected": 7,
        "of": total,
        "why": ["-k 'test_identity_shape'"],
    }
    page = html.unescape((reports / "numpy.partial.html").read_text())
    assert line in page and "conforms" not in page.split('id="verdict"')[1][:200]
    assert not github.exists()  # no --report-summary: the job summary is left alone


def test_a_run_stopped_early_says_so_in_its_summary_and_never_conforms(tmp_path):
    """-x after the first failure: the summary (and the job summary it is appended to)
    names the failure found and that the run is partial, with no "conforms"."""
    github = tmp_path / "github.md"
    result = command(
        tmp_path,
        MUTANT,
        "--conformance-profile=quick",
        "-k",
        "test_bounds",
        "-x",
        "--report-summary=summary.md",
        "--no-report",
        env={"GITHUB_STEP_SUMMARY": str(github)},
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(
        r"partial: \d+ of \d+ checks ran \(-k 'test_bounds', stopped early", result.stdout
    )
    text = (tmp_path / "summary.md").read_text()
    headline = text.splitlines()[0]
    assert headline.startswith(
        "### ❌ mutant:UntruncatedGlorotNormal: does not conform: 1 failure, 1 cause"
    )
    assert "; partial run: " in headline and "stopped early" in headline
    assert "conforms" not in text
    assert f"profile quick · initializer-conformance {suite_version()}" in text
    assert github.read_text() == text  # asked for: appended to the job summary


def test_checks_named_by_node_id_are_a_partial_run(tmp_path):
    result = command(
        tmp_path,
        "--impl=numpy",
        "initializer_conformance.conformance.test_identity::test_identity_square",
        "--report-json=out.json",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "out.json").read_text())  # an asked-for path is kept
    assert data["verdict"] == "partial"
    assert data["partial"]["of"] is None
    assert data["partial"]["why"] == ["checks named by node id or file"]
    assert "partial: 1 check ran (checks named by node id or file)" in result.stdout


def test_a_stale_deviation_is_a_failed_test_in_junit_and_in_pytests_counts(tmp_path):
    """The stale declaration is a failing test case of the XML a CI reads (and in pytest's
    summary line); the excused failure is an xfail with its reason; the suite's version,
    edition and profile are properties of the XML's test suite."""
    (tmp_path / "known.toml").write_text(
        '"test_bounds[glorot_normal]" = "untruncated, on purpose"\n'
        '"test_bounds[glorot_uniform]" = "fixed long ago"\n'
    )
    result = suite_process(
        MUTANT,
        "--conformance-profile=quick",
        "-k",
        "test_bounds and glorot",
        "--known-deviations",
        str(tmp_path / "known.toml"),
        f"--junitxml={tmp_path}/junit.xml",
        "--no-report",
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert result.stdout.splitlines()[-1].startswith("==") and re.search(
        r"1 failed, 1 passed, \d+ deselected, 1 xfailed", result.stdout.splitlines()[-1]
    )
    assert "FAILED known-deviations::test_bounds[glorot_uniform]" in result.stdout
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")
    cases = {(c.get("classname").split(".")[-1], c.get("name")): c for c in suite.iter("testcase")}
    stale = cases["known-deviations", "test_bounds[glorot_uniform]"].find("failure")
    assert "STALE known deviation 'test_bounds[glorot_uniform]'" in stale.get("message")
    excused = cases["test_bounds", "test_bounds[glorot_normal]"].find("skipped")
    assert (excused.get("type"), excused.get("message")) == (
        "pytest.xfail",
        "known deviation: untruncated, on purpose",
    )
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties["initializer_conformance_version"] == suite_version()
    assert properties["initializer_conformance_edition"] == "keras2"
    assert properties["initializer_conformance_profile"] == "quick"
    assert properties["initializer_conformance_partial"].endswith("; no conformance verdict")


def test_an_allowed_stale_deviation_is_no_failed_test(tmp_path):
    (tmp_path / "known.toml").write_text('"test_bounds[glorot_uniform]" = "fixed long ago"\n')
    result = suite_process(
        MUTANT,
        "--conformance-profile=quick",
        "-k",
        "test_bounds and glorot_uniform",
        "--known-deviations",
        str(tmp_path / "known.toml"),
        "--allow-stale-deviations",
        "--no-report",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " failed" not in result.stdout.splitlines()[-1]


def test_a_run_writes_nothing_but_its_report_into_the_directory(tmp_path):
    """Neither Hypothesis (.hypothesis/constants) nor pytest-benchmark (.benchmarks), which
    is installed here, write into the port's directory; by either route."""
    result = command(tmp_path, "--impl=numpy", "-k", "test_law and he_normal")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    pyargs = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "initializer_conformance.conformance",
            "--impl=numpy",
            "-p",
            "no:cacheprovider",
            "-k",
            "test_law and he_normal",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**env, "PYTHONPATH": str(ROOT)},
    )
    assert pyargs.returncode == 0, pyargs.stdout[-3000:] + pyargs.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_a_partial_run_sums_up_the_declarations_it_did_not_run(tmp_path):
    """A subset of the checks leaves most declarations without a check: more than five are
    one line, not a line each (a port with 80 declarations got 80 lines for a -k run)."""
    names = [f"test_law[{n}]" for n in ("he_normal", "he_uniform", "lecun_normal")]
    names += [f"test_scale[{n}]" for n in ("he_normal", "he_uniform", "lecun_normal")]
    (tmp_path / "known.toml").write_text("".join(f'"{n}" = "a reason"\n' for n in names))
    many = suite_process(
        "--impl=numpy",
        "-k",
        "test_identity_shape",
        f"--known-deviations={tmp_path / 'known.toml'}",
        "--no-report",
    )
    assert many.returncode == 0, many.stdout[-3000:]
    assert "known deviations not run: 6 (their checks did not run in this partial run)" in (
        many.stdout
    )
    assert "matched no check that ran" not in many.stdout
    (tmp_path / "known.toml").write_text(f'"{names[0]}" = "a reason"\n')
    few = suite_process(
        "--impl=numpy",
        "-k",
        "test_identity_shape",
        f"--known-deviations={tmp_path / 'known.toml'}",
        "--no-report",
    )
    assert f"known deviation '{names[0]}' (" in few.stdout and "matched no check that ran" in (
        few.stdout
    )
