"""Reports for CI (issue 16): the Markdown summary (``--report-summary``,
``$GITHUB_STEP_SUMMARY``), the terminal's deviations grouped by reason, ``reports diff``
with an exit status to gate on, and results that two identical runs write identically."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest

from benchmarks.runs import ROOT, suite_command
from initializer_conformance.reports import __main__ as cli
from initializer_conformance.reports import diff, results, summary
from tests.results_data import a_run, a_test

FRAMEWORKS = ROOT / "tests" / "data" / "frameworks"

#: SwappedFans on two checks: a failure (test_fans[he_normal]), a pass (glorot_uniform's law:
#: its fan_avg is the same either way round) and, declared known, test_law and test_scale of
#: he_normal (one reason for both).
SUBSET = (
    "--impl=initializer_conformance.adapters.mutants:SwappedFans",
    "--conformance-profile=quick",
    "-k",
    "(test_fans or test_law or test_scale) and he_normal or test_law and glorot_uniform",
)
KNOWN = (
    '"test_law[he_normal]" = "fans swapped, on purpose"\n'
    '"test_scale[he_normal]" = "fans swapped, on purpose"\n'
)


def _suite(tmp_path, *args, env=None):
    (tmp_path / "known.toml").write_text(KNOWN)
    argv, base = suite_command(*SUBSET, "--known-deviations", str(tmp_path / "known.toml"), *args)
    return subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=900, env={**base, **(env or {})}
    )


@pytest.fixture(scope="module")
def ci_run(tmp_path_factory):
    """One run with a summary file and a GitHub job summary (that already has a line)."""
    out = tmp_path_factory.mktemp("ci-run")
    (out / "github.md").write_text("earlier step\n")
    result = _suite(
        out,
        f"--report-html={out}/run.html",
        f"--report-summary={out}/summary.md",
        env={"GITHUB_STEP_SUMMARY": str(out / "github.md")},
    )
    return result, out


def test_the_summary_is_written_and_appended_to_the_github_job_summary(ci_run):
    result, out = ci_run
    assert result.returncode == 1, result.stdout[-3000:]
    text = (out / "summary.md").read_text()
    assert text.startswith(
        "### ❌ mutant:SwappedFans: does not conform: 1 failure, 1 cause (2 known deviations, quick profile)"
    )
    assert "| 1 | 1 | 0 | 2 | 0 | 0 |" in text  # pass, new, errors, known, unsupported, skipped
    assert "- **fans swapped** (1): fan\\_in and fan\\_out swapped: `test_fans[he_normal]`" in text
    assert (
        "| fans swapped | fans swapped, on purpose | 2: "
        "`test_law[he_normal]`, `test_scale[he_normal]` | applied |"
    ) in text
    assert f"Report: `{out}/run.html`, `{out}/run.json`" in text
    assert (out / "github.md").read_text() == "earlier step\n" + text  # appended
    assert f"summary: {out}/summary.md" in result.stdout
    assert len(text) < 2500  # short: the page has the rest


def test_the_terminal_groups_deviations_by_reason(ci_run):
    result, _ = ci_run
    lines = [line for line in result.stdout.splitlines() if "fans swapped, on purpose" in line]
    assert lines == [
        "  test_law[he_normal], test_scale[he_normal]: fans swapped, on purpose [2 check(s)]"
    ]
    assert "known deviations (2 checks excused, 1 reason, 2 declared):" in result.stdout


def test_a_run_inside_a_test_leaves_the_job_summary_alone(tmp_path):
    """The project's own tests run the suite in subprocesses; without report paths those
    runs must not write into the CI job's summary."""
    (tmp_path / "github.md").write_text("")
    result = _suite(
        tmp_path,
        "-k",
        "test_law and glorot_uniform",
        env={"GITHUB_STEP_SUMMARY": str(tmp_path / "github.md"), "PYTEST_CURRENT_TEST": "outer"},
    )
    assert result.returncode in (0, 1), result.stdout[-3000:]
    assert (tmp_path / "github.md").read_text() == ""


def test_no_report_with_a_summary_writes_the_summary_only(tmp_path):
    result = _suite(
        tmp_path,
        "-k",
        "test_law and glorot_uniform",
        "--no-report",
        f"--report-summary={tmp_path}/summary.md",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert (tmp_path / "summary.md").read_text().startswith("### ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["known.toml", "summary.md"]


def test_summary_command_and_markdown_escaping(capsys):
    assert cli.main(["summary", str(FRAMEWORKS / "torch.json")]) == 0
    text = capsys.readouterr().out
    assert text.startswith("### ☑️ torch: conforms except 34 known deviations (1 unsupported)")
    assert "**Known deviations: 34 checks, 3 reasons**" in text
    assert text.count("| applied |") == 3  # one row per reason, not 40
    assert (
        "**Unsupported** (1, NotImplementedError: not a pass): `test_dtype[Orthogonal-float16]`"
        in text
    )
    evil = results.build(
        a_run("evil|<b>_x_</b>"), [a_test("t.py::test_law[x]", "fail", "x", "law", message="boom")]
    )
    line = summary.markdown(evil).splitlines()[0]
    assert "evil\\|\\<b\\>\\_x\\_\\</b\\>" in line


# -- diff ------------------------------------------------------------------------------------


def _results(outcomes: dict, deviations=(), **tests_extra):
    tests = [
        a_test(
            f"t.py::test_law[{name}]",
            outcome,
            name,
            "law",
            **({"deviation": tests_extra[name]} if name in tests_extra else {}),
        )
        for name, outcome in outcomes.items()
    ]
    return results.build(a_run(deviations=list(deviations)), tests)


def test_diff_names_what_changed():
    old = _results(
        {
            "a": "pass",
            "b": "fail",
            "c": "pass",
            "d": "pass",
            "e": "known-deviation",
            "f": "pass",
            "gone": "pass",
        },
        e="old reason",
    )
    new = _results(
        {
            "a": "fail",
            "b": "pass",
            "c": "unsupported",
            "d": "known-deviation",
            "e": "known-deviation",
            "f": "pass",
            "added": "pass",
        },
        deviations=[
            {
                "check": "test_law[f]",
                "reason": "r",
                "source": "adapter",
                "match": None,
                "status": "stale",
                "failed": [],
                "passed": ["t.py::test_law[f]"],
            }
        ],
        d="new reason",
        e="changed reason",
    )
    changes = diff.compare(old, new)
    ids = {
        key: [e["nodeid"].rsplit("[", 1)[-1].rstrip("]") for e in entries]
        for key, entries in changes.items()
    }
    assert ids == {
        "new_failures": ["a"],
        "newly_unsupported": ["c"],
        "newly_deviating": ["d"],
        "changed_deviations": ["e"],
        "stale_deviations": ["f"],
        "fixed": ["b"],
        "added": ["added"],
        "removed": ["gone"],
    }
    assert changes["changed_deviations"][0]["detail"] == "old reason -> changed reason"
    assert diff.regressions(changes) == 2 and diff.regressions(changes, strict=True) == 5
    text = diff.text(old, new, changes)
    assert text.startswith("### conformance diff: 2 regressions")
    assert "**New failures** (1) — regression\n- `test_law[a]` pass → fail" in text
    assert "**Fixed** (1)\n- `test_law[b]` fail → pass" in text


def test_diff_exit_status_gates_ci(tmp_path, capsys):
    old = _results({"a": "pass", "b": "pass"})
    paths = {}
    for name, data in {
        "old": old,
        "same": copy.deepcopy(old),
        "worse": _results({"a": "fail", "b": "pass"}),
        "known": _results({"a": "known-deviation", "b": "pass"}, a="r"),
    }.items():
        paths[name] = str(results.write(data, tmp_path / f"{name}.json"))
    assert cli.main(["diff", paths["old"], paths["same"]]) == 0
    assert "No change in any check's outcome." in capsys.readouterr().out
    assert cli.main(["diff", paths["old"], paths["worse"]]) == 1
    assert "1 regression" in capsys.readouterr().out
    assert cli.main(["diff", paths["old"], paths["known"]]) == 0
    assert cli.main(["diff", "--strict", paths["old"], paths["known"]]) == 1
    (tmp_path / "bad.json").write_text("[1]")
    assert cli.main(["diff", paths["old"], str(tmp_path / "bad.json")]) == 2
    capsys.readouterr()
    # real files: jax and flax fail and deviate alike
    assert cli.main(["diff", str(FRAMEWORKS / "jax.json"), str(FRAMEWORKS / "flax.json")]) == 0


# -- stable output ---------------------------------------------------------------------------


def test_object_addresses_are_taken_out():
    text = "falsified by Context(<initializer_conformance.Context object at 0x7f91351ec2d0>)"
    assert results.stable({"m": [text]}) == {
        "m": ["falsified by Context(<initializer_conformance.Context object at 0x...>)"]
    }
    assert results.stable("at 0x1f (a value)") == "at 0x1f (a value)"
    # pages rendered from results written before addresses were taken out show none
    old = results.load(FRAMEWORKS / "keras-tensorflow.json")
    assert " at 0x7f" in json.dumps(old)
    from initializer_conformance.reports import render

    assert " at 0x7f" not in render.run_page(old)


def test_two_runs_with_the_same_seed_write_the_same_results(ci_run):
    """Nothing in the results varies between two runs of one command but the start time and
    durations (the second run is serial, the first under the default: same results)."""
    _, out = ci_run
    result = _suite(out, f"--report-html={out}/again.html")  # the same known.toml
    assert result.returncode == 1, result.stdout[-3000:]
    first = results.load(out / "run.json")
    second = results.load(out / "again.json")
    assert first["started"] != second["started"] or first["duration"] != second["duration"]
    a, b = results.without_timings(first), results.without_timings(second)
    a.pop("command"), b.pop("command")  # the two commands differ by the report paths
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    pages = [(out / name).read_text() for name in ("run.html", "again.html")]
    assert "0x7f" not in pages[0] + json.dumps(first)
