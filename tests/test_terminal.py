"""The terminal's account of a run (``reports/terminal.py``): failures grouped by cause in
short blocks, one ``FAILED check - reason`` line per failed check, one verdict line, and
pytest's whole account back with ``-v`` or ``--tb``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

from benchmarks.runs import suite_process
from initializer_conformance.reports import results, terminal
from initializer_conformance.reports.plugin import _check_line
from tests.results_data import a_run, a_test

MESSAGE = (
    "AssertionError: [scale] {name}: spread or centre differs from the spec\n"
    "  expected: Normal(mean=0, std=1)\n"
    "  observed: n=64 values: std=2\n"
    "  likely cause: {cause}\n"
    "  case:     {name}({{}}), shape=(3, 4), dtype=float32\n"
    "  reproduce: initializer-conformance 'x' --impl=port"
)


def _failing(name: str, cause: str, prop: str = "scale") -> dict:
    finding = {"title": "scale", "passed": False, "causes": [cause]}
    return a_test(
        f"conformance/test_{prop}.py::test_{prop}[{name}]",
        "fail",
        name,
        prop,
        findings=[finding],
        message=MESSAGE.format(name=name, cause=cause),
        at=f"conformance/test_{prop}.py:25: assert_scale(sample, law, ctx, alpha)",
    )


def _data(*tests) -> dict:
    return results.build(a_run(name="port"), list(tests))


def test_failures_are_grouped_by_cause_in_short_blocks():
    names = ("he_normal", "he_uniform", "lecun_normal")
    data = _data(
        *(_failing(n, "fan_in and fan_out swapped") for n in names),
        _failing("glorot_normal", "untruncated normal where a truncated one is specified", "law"),
        a_test("conformance/test_api.py::test_api[x]", "pass", "Zeros", "api"),
    )
    lines = terminal.failure_lines(data)
    text = "\n".join(lines)
    # the law's cause first (most severe), then the fans' with its three failures
    assert lines[1].startswith("cause 1 of 2: untruncated normal where a truncated")
    assert "cause 2 of 2: fan_in and fan_out swapped (3 failures: " in text
    assert len(re.findall(r"^  test_scale\[", text, re.M)) == 2  # two blocks in full ...
    assert "and 1 more of this cause (-v shows each in full):" in text
    assert "    test_scale[lecun_normal]: [scale] lecun_normal: spread or centre" in text
    # a block: the message without the exception's name, the check's line before the case
    block = terminal.block(data["tests"][0], data["tests"][0])
    assert block[0] == "test_scale[he_normal]: [scale] he_normal: spread or centre differs " + (
        "from the spec"
    )
    assert [line.split(":")[0].strip() for line in block[1:]] == [
        "expected",
        "observed",
        "likely cause",
        "at",
        "case",
        "reproduce",
    ]
    assert terminal.failed_lines(data)[0] == (
        "FAILED test_scale[he_normal] - [scale] he_normal: spread or centre differs from the spec"
    )
    assert len(terminal.failed_lines(data)) == 4
    assert terminal.verdict_line(data) == "verdict: port: does not conform: 4 failures, 2 causes"


def test_an_error_keeps_its_exception_and_gets_a_reproduce_line():
    error = a_test(
        "conformance/test_law.py::test_law[he_normal]",
        "error",
        "he_normal",
        "law",
        message="RuntimeError: the kernel crashed",
        reproduce="initializer-conformance 'x' --impl=port --no-report",
    )
    data = _data(error)
    assert terminal.failed_lines(data) == [
        "ERROR test_law[he_normal] - RuntimeError: the kernel crashed"
    ]
    assert terminal.block(error, error) == [
        "test_law[he_normal]: RuntimeError: the kernel crashed",
        "  reproduce: initializer-conformance 'x' --impl=port --no-report",
    ]


def test_the_verdict_line_of_every_verdict():
    passing = a_test("conformance/test_api.py::test_api[x]", "pass", "Zeros", "api")
    known = {**_failing("he_normal", "x"), "outcome": "known-deviation", "deviation": "x"}
    assert terminal.verdict_line(_data(passing)) == "verdict: port: conforms"
    assert terminal.verdict_line(_data(passing, known)) == (
        "verdict: port: conforms except 1 known deviation"
    )
    partial = results.build(
        a_run(name="port", partial={"ran": 1, "of": 461, "why": ["-k 'api'"]}), [passing]
    )
    assert terminal.verdict_line(partial) == (
        "verdict: port: partial: 1 of 461 checks ran (-k 'api'); no conformance verdict"
    )


def test_the_check_line_is_the_last_line_of_the_checks_file_in_the_traceback():
    try:
        json.loads("{")  # raises deep inside the json module: the block names this line
    except ValueError as error:
        line = _check_line(error, SimpleNamespace(path=Path(__file__)))
    assert line is not None
    assert re.fullmatch(r"conformance/test_terminal\.py:\d+: json\.loads\(\"\{\"\)  # .*", line)
    assert _check_line(AssertionError("no traceback"), SimpleNamespace(path=Path(__file__))) is None


ONE_BUG = ("--impl=initializer_conformance.adapters.mutants:FanAvgFloorDivision", "--no-report")


def test_a_one_bug_run_tells_its_failures_by_cause_without_hypothesis_internals():
    result = suite_process(*ONE_BUG, "-k", "test_fans and glorot")
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    lines = out.strip().splitlines()
    assert len(lines) < 60, out  # with pytest's tracebacks: 154
    assert "failures by cause" in out
    assert "cause 1 of 1: fan_avg = (fan_in + fan_out) // 2: integer division" in out
    assert "at:       conformance/test_fans.py:" in out
    for internal in ("Failing explicit example", "hypothesis/core.py", "def test_fans", "E   "):
        assert internal not in out, internal
    assert re.search(r"^FAILED test_fans\[glorot_normal\] - \[scale\] glorot_normal: ", out, re.M)
    assert not re.search(r"^FAILED \S+\.py::", out, re.M)  # pytest's own summary is off
    verdict = next(line for line in lines if line.startswith("verdict: "))
    assert verdict.startswith("verdict: mutant:FanAvgFloorDivision: does not conform: 2 failures")
    assert "partial run: " in verdict  # -k: never a verdict of conformance
    assert lines[-1].startswith("=") and "2 failed" in lines[-1]


def test_verbose_or_a_traceback_style_gives_pytests_whole_account_back():
    for option in ("-v", "--tb=long"):
        out = suite_process(*ONE_BUG, "-k", "test_fans and glorot_normal", option).stdout
        assert "Failing explicit example" in out and "def test_fans" in out, option
        assert "failures by cause" not in out, option
        assert "verdict: mutant:FanAvgFloorDivision: does not conform: 1 failure" in out
