"""Every mutant of the catalogue is caught by the check that targets its bug.

Each run selects the mutant's ``caught_by`` test (``-k``), stops at the first failure
(``-x``), and must fail with a message naming the check. The full-suite kill table
(every mutant against every check) is ``python -m benchmarks.kill_table``.
"""

import json
import re
from functools import partial

import numpy as np
import pytest

from benchmarks.runs import suite_process
from initializer_conformance.adapters.mutants import MUTANTS
from initializer_conformance.conformance.errors import assert_dtype
from initializer_conformance.conformance.identifiers import ALL
from initializer_conformance.conformance.strategies import FLOAT_DTYPES, INT_DTYPES
from initializer_conformance.reference.bugs import BUGS


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_caught(name, tmp_path):
    mutant = MUTANTS[name]
    assert mutant.__doc__.strip(), "every mutant says which bug it is"
    report = tmp_path / "results.json"
    result = suite_process(
        f"--impl=initializer_conformance.adapters.mutants:{name}",
        "-k",
        mutant.caught_by,
        "-x",
        "-q",
        "--report-json",
        str(report),
        *mutant.options,
    )
    assert result.returncode == 1, f"mutant {name} survived:\n{result.stdout[-3000:]}"
    assert re.search(r"^FAILED test_\w+(\[.*\])? - ", result.stdout, flags=re.M), result.stdout[
        -3000:
    ]
    assert mutant.caught_by in result.stdout
    assert "reproduce: pytest" in result.stdout  # the message says how to replay it
    if mutant.diagnosis:  # named in the message, and as a field of the failure's record
        assert f"likely cause: {BUGS[mutant.diagnosis].cause}" in result.stdout, result.stdout[
            -3000:
        ]
        failed = [t for t in json.loads(report.read_text())["tests"] if t["outcome"] == "fail"]
        bugs = {b["bug"] for t in failed for f in t["findings"] for b in f.get("bugs", ())}
        assert mutant.diagnosis in bugs, bugs


@pytest.mark.parametrize(
    "name", sorted(n for n, m in MUTANTS.items() if m.caught_by != "test_dtype")
)
def test_mutant_has_one_bug(name, reference_run, request):
    """A mutant breaks only what its docstring says: the others handle every dtype as the
    reference does (the suite's own test_dtype, run in-process, passes)."""
    reference_run.adapter = MUTANTS[name]()
    if MUTANTS[name].caught_by == "test_seeded_calls_leave_global_state":  # its one bug
        request.addfinalizer(partial(np.random.set_state, np.random.get_state()))
    for identifier in ALL:
        for dtype in FLOAT_DTYPES + INT_DTYPES:
            assert_dtype(identifier, dtype)
