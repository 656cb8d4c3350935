"""Long-range dependence (issue #26, items 4 and E; their nulls made exact in issue #25):
the tests of conformance/spectral.py read the values' normal scores (the randomised PIT,
``stats.gaussianized``), exactly i.i.d. N(0, 1) under every law and dtype; they hold
their level on every kind of law the suite draws, and see a block repeated at a period,
mirrored halves and a correlation of 0.05 at any lag, which the neighbour tests cannot;
the check test_long_range_dependence passes the reference and fails the mutants
MirroredHalves and CorrelatedAtALongLag."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from benchmarks.runs import suite_process
from initializer_conformance.conformance import spectral, stats
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform

N = 131_072
MUTANTS = "initializer_conformance.adapters.mutants"

#: Laws and dtypes whose raw values are far from normal: uniform, truncated, and a
#: bfloat16 law of a few atoms (its normal scores are exact only through the randomised PIT).
CASES = [
    (Uniform(-1.0, 1.0), "float32"),
    (TruncatedNormal(0.0, 0.05), "float16"),
    (Normal(1.0, 0.004), "bfloat16"),
]


def _scores(law, dtype, n, seed):
    x = law.sample(np.random.default_rng(seed), (n,)).astype(dtypes.resolve(dtype))
    return stats.gaussianized(x.astype(np.float64), law, dtype, seed)


@pytest.mark.parametrize(("law", "dtype"), CASES)
def test_bartlett_has_its_exact_null(law, dtype):
    """300 replicates of 4,096 values: the p-values are uniform (KS), so the rejection at
    5 % is 5 % within 4 standard errors, not below it: the test is exact on the normal
    scores."""
    p = np.array(
        [spectral.bartlett(_scores(law, dtype, 4096, s), 0.05, "").pvalue for s in range(300)]
    )
    assert scipy_stats.kstest(p, "uniform").pvalue > 1e-3
    assert abs(np.mean(p < 0.05) - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 300)


@pytest.mark.parametrize(("law", "dtype"), CASES)
def test_the_ordinates_test_is_conservative(law, dtype):
    """Its mean estimated: at most its level (plus 4 standard errors) on 300 replicates."""
    p = np.array(
        [
            spectral.ordinate_dispersion(_scores(law, dtype, 4096, s), 0.05, "").pvalue
            for s in range(300)
        ]
    )
    assert np.mean(p < 0.05) <= 0.05 + 4 * np.sqrt(0.05 * 0.95 / 300)


def test_a_wrong_scale_is_left_to_the_law_tests():
    """Normal scores of twice the spread (a law of the wrong std): no white-noise test
    rejects; test_scale reports the std."""
    g = 2 * np.random.default_rng(8).standard_normal(N)
    for test in (spectral.bartlett, spectral.ordinate_dispersion, spectral.lag_correlations):
        assert test(g, 1e-6, "").pvalue > 1e-3


def test_mirrored_halves_are_seen_by_the_ordinates_only():
    x = np.random.default_rng(3).standard_normal(N)
    x[N // 2 :] = -x[: N // 2][::-1]
    assert spectral.ordinate_dispersion(x, 1e-6, "").pvalue < 1e-100
    assert spectral.bartlett(x, 1e-6, "").pvalue > 1e-3  # the spectrum stays flat


def test_a_block_repeated_at_a_period_bends_the_spectrum():
    x = np.resize(np.random.default_rng(4).standard_normal(5000), N)
    assert spectral.ordinate_dispersion(x, 1e-6, "").pvalue < 1e-100
    assert spectral.bartlett(x, 1e-6, "").pvalue < 1e-3


def test_an_ar1_stream_tilts_the_cumulative_periodogram():
    e = np.random.default_rng(5).standard_normal(N)
    x = e.copy()
    x[1:] += 0.05 * e[:-1]  # an MA(1) of lag-1 correlation 0.05
    assert spectral.bartlett(x, 1e-6, "").pvalue < 1e-10


def _long_range(impl: str, identifier: str):
    """test_long_range_dependence[identifier] against ``impl``, in a run of the suite."""
    return suite_process(
        f"--impl={impl}", "-q", "--no-report", "-k", f"test_long_range_dependence and {identifier}"
    )


def test_the_reference_passes_and_mirrored_halves_fail():
    assert _long_range("numpy", "he_uniform").returncode == 0
    result = _long_range(f"{MUTANTS}:MirroredHalves", "he_uniform")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "likely cause: values linearly dependent at some lag" in result.stdout


@pytest.mark.parametrize(("law", "dtype"), CASES)
def test_every_lag_holds_its_level(law, dtype):
    """The correlation at every lag, Bonferroni over the lags, each lag's p-value bounded
    by the random signs' tail: at most alpha (plus 4 standard errors) at a level a
    simulation resolves, on every kind of law."""
    n, trials, alpha = 4096, 1000, 0.05
    rate = np.mean(
        [
            spectral.lag_correlations(_scores(law, dtype, n, s), alpha, "").pvalue < alpha
            for s in range(trials)
        ]
    )
    assert rate <= alpha + 4 * np.sqrt(alpha / trials), rate


def test_a_lag_sum_is_linear_not_circular():
    """The lag sums are over ``t < n - L`` (the signs of their products are then
    independent; a circular sum's are not): checked against a direct sum."""
    g = np.random.default_rng(6).standard_normal(1000)
    sums = spectral._lag_sums(g, 500)
    for lag in (0, 1, 7, 499, 500):
        assert sums[lag] == pytest.approx(np.dot(g[: 1000 - lag], g[lag:]), abs=1e-9)


@pytest.mark.parametrize("lag", [1, 2, 1024, 12_345, N // 4, N // 2 - 1])
def test_a_correlation_of_five_percent_is_seen_at_any_lag(lag):
    """ρ = 0.05 at lag 1, a power of 2, an arbitrary lag, n/4 and next to n/2: the test at
    every lag rejects (its stated power, at the worst lag n/2, is 1 - 2e-8 there); Bartlett's
    test does not see the lags far from the diagonal."""
    e = np.random.default_rng(lag).standard_normal(N)
    x = (e + 0.0501 * np.roll(e, lag)) / np.sqrt(1 + 0.0501**2)
    assert spectral.lag_correlations(x, 1e-7, "").pvalue < 1e-7
    assert spectral.lag_power(N, 0.05, 1e-7) > 1 - 1e-7
    if lag >= 1024:
        assert spectral.bartlett(x, 1e-7, "").pvalue > 1e-7


def test_the_reference_passes_and_a_long_lag_correlation_fails():
    assert _long_range("numpy", "RandomNormal").returncode == 0
    result = _long_range(f"{MUTANTS}:CorrelatedAtALongLag", "RandomNormal")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "correlation at every lag" in result.stdout
