"""The profile of the default run (``benchmarks/profile.py``, issue #29 item 1) sorts each
function's own time into the kind of work it is."""

import json

from benchmarks import profile


def test_functions_are_sorted_by_where_they_live():
    assert profile.kind_of("/x/conformance/stats.py:variance") == "statistics"
    assert profile.kind_of("/x/hypothesis/core.py:run") == "Hypothesis"
    assert profile.kind_of("/x/reference/laws.py:sample") == "drawing (the adapter's calls)"
    assert profile.kind_of("/x/conformance/test_law.py:test_law") == "the checks' own code"
    assert profile.kind_of("/usr/lib/python3.11/subprocess.py:communicate").startswith("fresh")
    assert profile.kind_of("/x/_pytest/runner.py:call") == "pytest, plugins and reports"


def test_a_c_functions_time_goes_to_the_kind_of_its_main_caller():
    caller = ("/x/conformance/stats.py", 1, "variance")
    other = ("/x/hypothesis/core.py", 1, "run")
    sort = ("~", 0, "<method 'sort' of 'numpy.ndarray' objects>")
    stats = {
        caller: (1, 1, 0.5, 3.0, {}),
        other: (1, 1, 0.25, 0.5, {}),
        # the sort: 2 s of own time, 1.9 s of it through the variance test
        sort: (3, 3, 2.0, 2.0, {caller: (2, 2, 1.9, 1.9), other: (1, 1, 0.1, 0.1)}),
    }
    kinds = profile.by_kind(stats)
    assert kinds == {"statistics": 2.5, "Hypothesis": 0.25}


#: The check functions of ``conformance/test_large.py`` (skipped in a default run's page).
LARGE_CHECKS = ("test_large_output", "test_large_orthogonal")


def test_each_checks_cost_per_framework_sums_the_committed_pages():
    """``benchmarks/check_costs.py``: every test's duration counted once, in its check's row
    and its framework's column; the large checks from their own measured runs."""
    from benchmarks import check_costs
    from benchmarks.pages import PAGES
    from initializer_conformance.reports import results

    names, table = check_costs.costs()
    large = json.loads(check_costs.LARGE.read_text()) if check_costs.LARGE.exists() else {}
    for name in ("numpy", "tinygrad"):
        tests = results.load(PAGES / f"{name}.json")["tests"]
        recorded = sum(t["duration"] for t in tests if t["function"] not in LARGE_CHECKS)
        counted = sum(
            row.get(name, 0.0) for c, row in table.items() if not c.startswith("test_large")
        )
        assert abs(recorded - counted) < 1e-6
        for check, seconds in large.get(name, {}).items():  # the measured --large runs
            assert table[check][name] == seconds
    assert "test_law::test_law" in table and set(table["test_law::test_law"]) == set(names)
    assert "| **all checks** |" in check_costs.report(names, table)
