"""Known deviations: declared failures are excused, new ones fail, stale ones are caught."""

import json
import re
import shlex
import subprocess
import sys

import pytest

from benchmarks.runs import ROOT, suite_command, suite_process
from initializer_conformance.conformance import deviations
from initializer_conformance.conformance.deviations import Deviation, DeviationError

FUNCTIONS = deviations.suite_functions(ROOT / "conformance")


@pytest.mark.parametrize(
    "check, nodeid, matches",
    [
        ("test_law[he_normal]", "conformance/test_law.py::test_law[he_normal]", True),
        ("test_law[he_normal]", "conformance/test_law.py::test_law[lecun_normal]", False),
        ("test_law[h]", "conformance/test_law.py::test_law[he_normal]", False),  # not a class
        (
            "conformance/test_law.py::test_law[he_normal]",
            "conformance/test_law.py::test_law[he_normal]",
            True,
        ),
        ("test_fans[*]", "conformance/test_fans.py::test_fans[glorot_uniform]", True),
        (
            "test_identity_shape[(2, 3)]",
            "conformance/test_identity.py::test_identity_shape[(2, 3)]",
            True,
        ),
        (
            "test_dtype[*-float16]",
            "conformance/test_dtype.py::test_dtype[Orthogonal-float16]",
            True,
        ),
        (
            "test_dtype[*-float16]",
            "conformance/test_dtype.py::test_dtype[Orthogonal-float32]",
            False,
        ),
    ],
)
def test_a_check_is_a_test_id_with_star_wildcards(check, nodeid, matches):
    assert Deviation(check, "reason", "test").matches(nodeid) is matches


def test_the_suite_functions_are_read_from_the_test_files():
    assert {"test_law", "test_fans", "test_probe", "test_identity_shape"} <= set(FUNCTIONS)


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"test_lwa[he_normal]": "typo"}, "name no check of the suite: 'test_lwa[he_normal]'"),
        (
            {"test_bonds[he_normal]": "typo"},
            "'test_bonds[he_normal]' (adapter.known_deviations) (did you mean 'test_bounds'?)",
        ),
        (
            {"test_law[he_normal]": {"reason": "r", "mach": "x"}},
            "'test_law[he_normal]': unknown key 'mach' (did you mean 'match'?)",
        ),
        ({"test_law[he_normal]": [{"reason": "r", "why": "x"}]}, "unknown key 'why'"),
        ({"test_law[he_normal]": ""}, "needs a check and a non-empty reason"),
        ({"test_law[he_normal]": 3}, "needs a check and a non-empty reason"),
        ({"test_law[he_normal]": {"reason": "r", "match": "("}}, "match is no regex"),
        (["test_law[he_normal]"], "must map a check to a reason, got list"),
        (
            {"*": {"reason": "r", "cause": "untruncated"}},
            "'*': cause 'untruncated' is not one the suite knows (did you mean "
            "'untruncated_normal'?)",
        ),
        ({"*": {"reason": "r", "dtype": ["bfloat16", "float8"]}}, "dtype 'float8' is not one"),
        ({"*": {"reason": "r", "property": "laws"}}, "(did you mean 'law'?)"),
        ({"*": {"reason": "r", "initializer": "he_norm"}}, "(did you mean 'he_normal'?)"),
        ({"*": "every failure"}, "'*' (every test) needs a field to say which failures"),
    ],
)
def test_bad_declarations_are_refused(mapping, message):
    class Adapter:
        known_deviations = mapping

    with pytest.raises(DeviationError, match=re.escape(message)):
        deviations.check_names(deviations.declared(Adapter(), None, False), FUNCTIONS)


def test_the_toml_file_and_the_adapters_dict_share_one_validator(tmp_path):
    """The same declaration, in either form, gives the same entries or the same error."""

    class Adapter:
        known_deviations = {"test_law[he_normal]": {"reason": "r", "mach": "ValueError"}}

    path = tmp_path / "known.toml"
    path.write_text('"test_law[he_normal]" = {reason = "r", mach = "ValueError"}\n')
    errors = []
    for adapter, file in ((Adapter(), None), (None, str(path))):
        with pytest.raises(DeviationError) as error:
            deviations.declared(adapter, file, False)
        errors.append(str(error.value).split(": ", 1)[1])
    assert errors[0] == errors[1]
    assert "unknown key 'mach' (did you mean 'match'?)" in errors[0]


def test_a_parameter_that_does_not_exist_names_the_closest_check():
    entries = deviations.validate({"test_law[he_normall]": "typo"}, "known.toml")
    nodeids = [f"conformance/test_law.py::test_law[{n}]" for n in ("he_normal", "he_uniform")]
    assert deviations.check_parameters(entries, nodeids).startswith(
        "known deviations name no check of the suite: 'test_law[he_normall]' (known.toml) "
        "(did you mean 'test_law[he_normal]'?)"
    )
    assert deviations.check_parameters(entries[:0], nodeids) is None


def test_a_file_adds_to_the_adapter_and_ignore_drops_the_adapter(tmp_path):
    class Adapter:
        known_deviations = {"test_law[he_normal]": "by design"}

    path = tmp_path / "known.toml"
    path.write_text('"test_fans[*]" = "fans of rank 0 and 1"\n')
    assert [(d.check, d.source) for d in deviations.declared(Adapter(), str(path), False)] == [
        ("test_law[he_normal]", "adapter.known_deviations"),
        ("test_fans[*]", str(path)),
    ]
    assert [d.check for d in deviations.declared(Adapter(), str(path), True)] == ["test_fans[*]"]
    path.write_text("not toml =")
    with pytest.raises(DeviationError, match="is not TOML"):
        deviations.declared(Adapter(), str(path), False)


# -- end to end: the mutant UntruncatedGlorotNormal fails test_bounds[glorot_normal] ------

SUBSET = (
    "--impl=initializer_conformance.adapters.mutants:UntruncatedGlorotNormal",
    "--conformance-profile=quick",
    "-k",
    "test_bounds and glorot",
)


def _run(tmp_path, declarations: str, *args: str):
    (tmp_path / "known.toml").write_text(declarations)
    report = tmp_path / "results.json"
    result = suite_process(
        *SUBSET,
        "--known-deviations",
        str(tmp_path / "known.toml"),
        "--report-json",
        str(report),
        *args,
    )
    return result, (json.loads(report.read_text()) if report.exists() else None)


def test_a_declared_deviation_is_excused_and_shown_with_its_reason(tmp_path):
    result, data = _run(tmp_path, '"test_bounds[glorot_normal]" = "untruncated, by design"\n')
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed, " in result.stdout and "1 xfailed" in result.stdout
    assert "test_bounds[glorot_normal]: untruncated, by design [1 check(s)]" in result.stdout
    assert data["verdict"] == "partial"  # -k: no verdict of conformance
    assert data["totals"]["known-deviation"] == 1 and data["totals"]["fail"] == 0
    test = next(t for t in data["tests"] if "glorot_normal" in t["nodeid"])
    assert (test["outcome"], test["deviation"]) == ("known-deviation", "untruncated, by design")
    assert test["findings"] and not test["findings"][0]["passed"]  # the evidence is kept
    assert data["deviations"][0]["status"] == "applied"
    page = (tmp_path / "results.html").read_text()
    assert "Declared known deviations" in page and "untruncated, by design" in page
    # its reproduce command replays the failure itself, not an xfail, and writes no report
    assert test["reproduce"].endswith("--ignore-known-deviations --no-report")
    before = sorted(tmp_path.iterdir())
    command = shlex.split(test["reproduce"])
    assert command[0] == "pytest"
    replay = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=suite_command()[1],
    )
    assert replay.returncode == 1 and "1 failed" in replay.stdout, replay.stdout[-3000:]
    assert sorted(tmp_path.iterdir()) == before


def test_an_undeclared_deviation_still_fails(tmp_path):
    result, data = _run(tmp_path, '"test_law[glorot_normal]" = "a different check"\n')
    assert result.returncode == 1
    assert data["verdict"] == "deviations"
    assert "matched no check that ran" in result.stdout


def test_a_stale_deviation_fails_the_run_unless_allowed(tmp_path):
    declarations = (
        '"test_bounds[glorot_normal]" = "real"\n"test_bounds[glorot_uniform]" = "fixed long ago"\n'
    )
    result, data = _run(tmp_path, declarations)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "STALE known deviation 'test_bounds[glorot_uniform]'" in result.stdout
    assert [d["status"] for d in data["deviations"]] == ["applied", "stale"]
    assert "1 stale known deviation" in (tmp_path / "results.html").read_text()
    result, _ = _run(tmp_path, declarations, "--allow-stale-deviations")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_pattern_whose_checks_a_partial_run_left_out_only_warns(tmp_path):
    """A "*" entry whose checks of this -k run pass: its other checks did not run, so it
    may not be stale; the run warns and does not fail (a named check that ran still fails,
    above)."""
    declarations = '"test_bounds[glorot_normal]" = "real"\n"test_bounds[glorot_u*]" = "other"\n'
    result, data = _run(tmp_path, declarations)
    assert result.returncode == 0, result.stdout[-3000:]
    assert [d["status"] for d in data["deviations"]] == ["applied", "stale"]
    assert "a pattern, in a partial run: its other checks may not have run" in result.stdout
    assert "this fails the run" not in result.stdout


def test_a_declaration_is_for_its_cause_not_for_the_checks_one_run_reached(tmp_path):
    """One declaration (one reason) for two checks: one fails, the other passes in this run
    (the cause did not show there): not stale, the run passes."""
    declarations = (
        '"test_bounds[glorot_normal]" = "one cause"\n"test_bounds[glorot_uniform]" = "one cause"\n'
    )
    result, data = _run(tmp_path, declarations)
    assert result.returncode == 0, result.stdout[-3000:]
    assert [d["status"] for d in data["deviations"]] == ["applied", "not reached"]
    assert "known deviations not reached: 1" in result.stdout


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_unknown_parameter_is_a_usage_error_before_any_test(tmp_path, workers):
    """Checked against every check the run collected, before -k deselects; under xdist
    too (a worker cannot raise a usage error: the controller reports it)."""
    result, data = _run(tmp_path, '"test_bounds[glorot_normall]" = "typo"\n', "-n", workers)
    assert result.returncode == 4 and data is None, result.stdout[-3000:]
    assert (
        "ERROR: known deviations name no check of the suite: 'test_bounds[glorot_normall]' "
        f"({tmp_path / 'known.toml'}) (did you mean 'test_bounds[glorot_normal]'?)"
    ) in result.stdout + result.stderr
    assert " passed" not in result.stdout


def test_an_unknown_check_is_a_usage_error_before_any_test(tmp_path):
    result, data = _run(tmp_path, '"test_bonds[glorot_normal]" = "typo"\n')
    assert result.returncode == 4 and data is None
    assert (
        "known deviations name no check of the suite: 'test_bonds[glorot_normal]'" in result.stderr
    )


def test_match_narrows_a_deviation_to_one_failure(tmp_path):
    excused, data = _run(
        tmp_path,
        '"test_bounds[glorot_normal]" = {reason = "untruncated", '
        'match = "^AssertionError: \\\\[bounds\\\\] glorot_normal"}\n',
    )
    assert excused.returncode == 0, excused.stdout[-3000:]
    assert data["deviations"][0]["match"] == r"^AssertionError: \[bounds\] glorot_normal"
    other, data = _run(
        tmp_path,
        '"test_bounds[glorot_normal]" = {reason = "rank < 2", match = "ValueError: Fan in"}\n',
    )
    assert other.returncode == 1
    assert data["deviations"][0]["status"] == "unmatched"
    assert "its checks failed, but not as its match 'ValueError: Fan in' says" in other.stdout


def _failure(dtype: str, bugs=()) -> AssertionError:
    error = AssertionError("[law] any wording")  # what it is: its fields, not its text
    error.fields = {"check": "law", "dtype": dtype, "shape": [2, 2], "bugs": list(bugs)}
    return error


def test_a_deviation_declared_by_what_it_is_reads_fields_not_text():
    (entry,) = deviations.validate(
        {"*": {"reason": "16-bit", "dtype": ["float16", "bfloat16"], "property": "law"}}, "a"
    )
    law = {"property": "law", "initializer": "he_normal"}
    nodeid = "conformance/test_law.py::test_law[he_normal]"
    assert entry.matches(nodeid, law) and not entry.matches(nodeid, {**law, "property": "scale"})
    assert entry.excuses(_failure("bfloat16")) and not entry.excuses(_failure("float32"))
    assert not entry.excuses(ValueError("an adapter's own error: no fields"))
    (cause,) = deviations.validate(
        {"*": {"reason": "untruncated", "cause": "untruncated_normal", "initializer": "he_normal"}},
        "a",
    )
    assert cause.excuses(_failure("float32", ["swapped_fans", "untruncated_normal"]))
    assert not cause.excuses(_failure("float32", ["swapped_fans"]))
    assert not cause.matches(nodeid, {**law, "initializer": "glorot_normal"})
    assert deviations.excusing([cause], nodeid, _failure("float32", ["untruncated_normal"]), law)


def test_a_declaration_by_cause_excuses_its_bug_wherever_it_fails(tmp_path):
    """End to end: the mutant's untruncated glorot_normal is excused by its bug, with no
    test id and no message text; a declaration for another bug excuses nothing."""
    declared = (
        '"*" = {reason = "untruncated, by design", cause = "untruncated_normal", '
        'initializer = "glorot_normal"}\n'
    )
    result, data = _run(tmp_path, declared)
    assert result.returncode == 0, result.stdout[-3000:]
    assert data["totals"]["known-deviation"] == 1 and data["totals"]["fail"] == 0
    assert data["deviations"][0]["cause"] == ["untruncated_normal"]
    assert data["deviations"][0]["label"] == "untruncated"  # the report's chip, from the bug
    other, data = _run(tmp_path, declared.replace("untruncated_normal", "swapped_fans"))
    assert other.returncode == 1 and data["totals"]["fail"] == 1
    # the summary says what the entry excuses (its fields, not a match it does not have)
    assert "its checks failed, but not as its cause swapped_fans says" in other.stdout


def test_each_failure_hypothesis_reports_must_be_excused():
    nodeid = "conformance/test_law.py::test_law[he_normal]"
    rank = Deviation("test_law[he_normal]", "no fans below rank 2", "t", "ValueError: Fan in")
    law = Deviation("test_law[*]", "untruncated", "t", r"AssertionError: \[law\]")
    both = ExceptionGroup(
        "2 distinct failures",
        [ValueError("Fan in and fan out ..."), AssertionError("[law] he_normal: ...")],
    )
    assert deviations.excusing([rank, law], nodeid, both) == [0, 1]
    assert deviations.excusing([rank], nodeid, both) == []
    assert deviations.excusing([rank], nodeid, ValueError("Fan in and fan out ...")) == [0]
    assert deviations.excusing([law], nodeid.replace("he_normal", "x"), both) == []


def test_a_check_may_have_several_narrowed_entries():
    class Adapter:
        known_deviations = {
            "test_law[he_normal]": [
                {"reason": "no fans below rank 2", "match": "ValueError: Fan in"},
                {"reason": "untruncated", "match": "untruncated normal where a truncated"},
            ]
        }

    entries = deviations.declared(Adapter(), None, False)
    assert [(e.check, e.match) for e in entries] == [
        ("test_law[he_normal]", "ValueError: Fan in"),
        ("test_law[he_normal]", "untruncated normal where a truncated"),
    ]
