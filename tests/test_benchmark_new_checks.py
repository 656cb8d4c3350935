"""benchmarks/new_checks.py: the input-space checks' table is made of real checks, real
mutants caught by them, and powers that are right where they can be checked."""

import math

import pytest

from benchmarks import check_costs, kill_table, new_checks
from initializer_conformance.adapters.mutants import MUTANTS
from initializer_conformance.conformance import spectral
from initializer_conformance.conformance.run import FIXED_ALPHA


def test_every_check_named_has_a_cost_on_every_page():
    """A misspelled check would cost 0 s and still read as a row."""
    targets, costs = check_costs.costs()
    costs.update(check_costs.costs(key=check_costs.test_of)[1])
    for check in new_checks.CHECKS:
        for function in check.functions:
            assert function in costs, function
            on = set(costs[function])
            if function != "test_large::test_large_orthogonal":  # tinygrad has no Orthogonal
                assert on == set(targets), (function, set(targets) - on)


@pytest.mark.parametrize("check", new_checks.CHECKS, ids=lambda c: c.what[:30])
def test_every_mutant_is_caught_by_its_own_check(check):
    runs = kill_table.load()
    assert runs["numpy"]["exit"] == 0
    functions = {f.split("::")[1].split("[")[0] for f in check.functions}
    for mutant in check.mutants:
        assert mutant in MUTANTS
        assert runs[mutant]["exit"] == 1
        assert functions & set(runs[mutant]["checks"]), (mutant, runs[mutant]["checks"])


def test_the_kill_table_folds_node_ids_by_check():
    failed = ["conformance/test_fans.py::test_fans[he_normal]", "x.py::test_fans[a]", "y::test_law"]
    assert kill_table.folded(failed) == {"test_fans": 2, "test_law": 1}
    assert kill_table.checks(failed) == "test_fans ×2, test_law"


def test_powers_where_they_can_be_checked():
    """Without an effect the miss is the test's level (or its bound above it); the lag
    test's miss is the complement of spectral's power where that has digits."""
    miss, noncentrality = new_checks.transitions_miss(rho=0.0)
    assert noncentrality == pytest.approx(0.0, abs=1e-6)
    assert miss >= 1 - FIXED_ALPHA  # Chernoff: a bound above the true 1 - alpha/4
    # the kurtosis score's upper side alone (a lower bound of the power): its level, of
    # the dtypes' family, the two scores and the two sides, is alpha / 16
    assert new_checks.kurtosis_miss(nu=1e12) == pytest.approx(1 - FIXED_ALPHA / 16, abs=1e-12)
    n, rho, alpha = 4096, 0.08, 1e-3
    assert spectral.lag_miss(n, rho, alpha) == pytest.approx(
        1 - spectral.lag_power(n, rho, alpha), rel=1e-9
    )
    assert 0 < new_checks.transitions_miss()[0] < 1e-100
    assert new_checks.power(1e-5) == "1 - 1.0e-05"
    assert new_checks.power(0.25) == "0.75000"
    assert math.isfinite(new_checks.flush_miss())


def test_the_committed_table_is_this_code():
    committed = (new_checks.ROOT / "benchmarks/results/new_checks.md").read_text()
    assert committed == new_checks.table()
