"""Long-range dependence (issue #26, items 4 and E): the tests of conformance/spectral.py
hold their level on i.i.d. values of every kind of law the suite draws, and see a block
repeated at a period, mirrored halves and a correlation of 0.05 at any lag, which the
neighbour tests cannot; the check test_long_range_dependence passes the reference and
fails the mutants MirroredHalves and CorrelatedAtALongLag."""

import numpy as np
import pytest

from initializer_conformance.adapters import mutants
from initializer_conformance.conformance import spectral
from initializer_conformance.conformance import test_structure as checks

N = 131_072


@pytest.mark.parametrize("test", [spectral.bartlett, spectral.ordinate_dispersion])
def test_white_noise_is_not_rejected(test):
    """30 replicates of each law: no p-value below 1e-3 (measured on 100 replicates each:
    Bartlett's smallest 0.0011, the ordinates' 0.02; the ordinates' KS, its mean
    estimated, is conservative)."""
    rng = np.random.default_rng(11)
    for draw in (
        lambda: rng.standard_normal(N),
        lambda: rng.uniform(-1, 1, N).astype(np.float32),
        lambda: np.round(rng.standard_normal(N) * 8) / 8,
    ):
        assert min(test(draw(), 1e-6, "").pvalue for _ in range(10)) > 1e-3


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


def test_the_reference_passes_and_mirrored_halves_fail(reference_run):
    checks.test_long_range_dependence("he_uniform")
    assert len(reference_run.spent) == 1
    reference_run.adapter = mutants.MirroredHalves()
    reference_run.samples.samples.clear()
    with pytest.raises(AssertionError) as failure:
        checks.test_long_range_dependence("he_uniform")
    assert "likely cause: values linearly dependent at some lag" in str(failure.value)


def test_every_lag_holds_its_level_on_independent_values():
    """The correlation at every lag, Bonferroni over the lags, at levels a simulation
    resolves: at most alpha (plus 4 standard errors) on normal, uniform and rounded values."""
    rng = np.random.default_rng(12)
    n, trials, alpha = 4096, 1000, 0.05
    for draw in (
        lambda: rng.standard_normal(n),
        lambda: rng.uniform(-1, 1, n).astype(np.float32),
        lambda: np.round(rng.standard_normal(n) * 8) / 8,
    ):
        rate = np.mean(
            [spectral.lag_correlations(draw(), alpha, "").pvalue < alpha for _ in range(trials)]
        )
        assert rate <= alpha + 4 * np.sqrt(alpha / trials), rate


@pytest.mark.parametrize("lag", [1, 2, 1024, 12_345, N // 4, N // 2 - 1])
def test_a_correlation_of_five_percent_is_seen_at_any_lag(lag):
    """ρ = 0.05 at lag 1, a power of 2, an arbitrary lag, n/4 and next to n/2: the test at
    every lag rejects (its stated power is 1 - 1e-16 there); Bartlett's test does not see
    the lags far from the diagonal."""
    e = np.random.default_rng(lag).standard_normal(N)
    x = e + 0.0501 * np.roll(e, lag)
    assert spectral.lag_correlations(x, 1e-7, "").pvalue < 1e-12
    assert spectral.lag_power(N, 0.05, 1e-7) > 1 - 1e-12
    if lag >= 1024:
        assert spectral.bartlett(x, 1e-7, "").pvalue > 1e-7


def test_the_reference_passes_and_a_long_lag_correlation_fails(reference_run):
    checks.test_long_range_dependence("RandomNormal")
    reference_run.adapter = mutants.CorrelatedAtALongLag()
    reference_run.samples.samples.clear()
    with pytest.raises(AssertionError) as failure:
        checks.test_long_range_dependence("RandomNormal")
    assert "lags in float32" in str(failure.value) or "correlation at every lag" in str(
        failure.value
    )
