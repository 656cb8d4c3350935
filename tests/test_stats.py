"""Meta-tests of the statistical helpers: each accepts the right law and rejects a wrong one.

(An old scipy variance check computed (n-1)·σ²/σ² and could never fail: every helper
here is shown to fail on a deliberately wrong sample.)
"""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.conformance import stats
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform

ALPHA = 1e-6
N = 50_000
LAWS = {
    "normal": Normal(0.5, 2.0),
    "uniform": Uniform(-1.0, 3.0),
    "truncated": TruncatedNormal(-0.2, 0.7),
}


def draw(law, n=N, seed=0):
    return law.sample(np.random.default_rng(seed), (n,))


def scaled(law, factor):
    """The same family with its spread multiplied by ``factor`` (same centre)."""
    if isinstance(law, Uniform):
        mid, half = law.mean, (law.high - law.low) / 2
        return Uniform(mid - factor * half, mid + factor * half)
    return type(law)(law.loc, law.scale * factor)


@pytest.mark.parametrize("name", LAWS)
def test_right_law_passes_every_test(name):
    law = LAWS[name]
    x = draw(law)
    verdicts = [
        *stats.goodness_of_fit(x, law, ALPHA),
        stats.variance(x, law, ALPHA),
        stats.mean(x, law, ALPHA),
    ]
    assert all(v.passed for v in verdicts), [v.describe() for v in verdicts]


@pytest.mark.parametrize("name", LAWS)
@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_scale_error_of_5_percent_is_rejected(name, factor):
    law = LAWS[name]
    x = draw(scaled(law, factor))
    assert not stats.variance(x, law, ALPHA).passed
    assert not stats.goodness_of_fit(x, law, ALPHA)[1].passed  # CvM


@pytest.mark.parametrize("name", LAWS)
def test_mean_shift_is_rejected(name):
    law = LAWS[name]
    x = draw(law) + 0.05 * law.std
    verdict = stats.mean(x, law, ALPHA)
    assert not verdict.passed and "shift = +0.05" in verdict.effect


def test_same_variance_wrong_family_is_rejected_by_goodness_of_fit():
    truncated = TruncatedNormal(0.0, 1.0)
    limit = np.sqrt(3) * truncated.std
    x = draw(Uniform(-limit, limit))
    assert stats.variance(x, truncated, ALPHA).passed  # same variance by construction
    assert not all(v.passed for v in stats.goodness_of_fit(x, truncated, ALPHA))


def test_variance_effect_reports_the_std_ratio():
    law = LAWS["normal"]
    verdict = stats.variance(draw(scaled(law, 1.1)), law, ALPHA)
    ratio = float(verdict.effect.split("= ")[1])
    assert ratio == pytest.approx(1.1, abs=0.01)


@pytest.mark.parametrize("name", LAWS)
def test_variance_test_is_calibrated(name):
    """Under the null, p-values are uniform: false alarms at 1 % happen ~1 % of the time."""
    law = LAWS[name]
    rng = np.random.default_rng(1)
    pvalues = np.array(
        [stats.variance(law.sample(rng, (200,)), law, 0.01).pvalue for _ in range(4000)]
    )
    assert scipy_stats.kstest(pvalues, "uniform").pvalue > 1e-4
    assert 0.005 < (pvalues < 0.01).mean() < 0.017


def test_variance_test_is_exact_for_the_normal_law():
    """For a normal law the Pearson III null is the exact chi-square law."""
    law = Normal(0.0, 1.0)
    x = draw(law, 100)
    s = float(np.sum(x**2))
    z = stats.variance(x, law, ALPHA).statistic
    chi2 = scipy_stats.chi2(100)
    assert stats.variance(x, law, ALPHA).pvalue == pytest.approx(
        2 * min(chi2.cdf(s), chi2.sf(s)), rel=1e-6
    )
    assert z == pytest.approx((s - 100) / np.sqrt(200))


def test_counts():
    assert not stats.excess_count(30, 10_000, 1e-4, ALPHA, "at bound").passed
    assert stats.excess_count(1, 10_000, 1e-4, ALPHA, "at bound").passed
    assert stats.excess_count(0, 10_000, 0.0, ALPHA, "at bound").passed
    assert not stats.count(0, 20_000, 0.0455, ALPHA, "tail").passed
    assert stats.count(910, 20_000, 0.0455, ALPHA, "tail").passed


def test_correlation():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 100_000))
    assert stats.correlation(a, b, ALPHA, "independent").passed
    assert not stats.correlation(a, a + 10 * b, ALPHA, "correlated").passed  # r ≈ 0.1
    assert not stats.correlation(a, a, ALPHA, "same").passed


def test_power_formula_matches_a_simulation():
    """The probe size for 1 % at power 0.99 really detects a 1 % std error >= 99 % of the time."""
    law = Normal(0.0, 1.0)
    alpha = 1e-3  # a larger alpha keeps the simulation small; the formula is the same
    n = stats.samples_for_scale_power(law, 0.01, alpha, 0.99)
    assert n == pytest.approx(2 * ((3.2905 + 2.3263) / 0.0199) ** 2, rel=1e-3)
    rng = np.random.default_rng(3)
    wrong = Normal(0.0, 0.99)
    detected = np.mean(
        [not stats.variance(wrong.sample(rng, (n,)), law, alpha).passed for _ in range(100)]
    )
    assert detected >= 0.95  # 0.99 expected; P(< 95 of 100) ≈ 5e-4


# -- p-values at their extremes ---------------------------------------------------------------


def test_cramer_von_mises_never_passes_a_far_out_sample():
    """lecun_uniform's law with 5.7 times its std: scipy's series gives W² = 1139 a p-value of
    2.6e-7, above the Hypothesis tier's alpha; the suite's is below any alpha it uses."""
    law = Uniform(-0.1, 0.1)
    x = draw(scaled(law, 5.7), n=20_480)
    _, cvm = stats.goodness_of_fit(x, law, 2.26e-7)
    assert cvm.statistic > 100 and cvm.pvalue < 1e-12 and not cvm.passed
    assert scipy_stats.cramervonmises(law.cdf(x), "uniform").pvalue > 1e-8  # scipy's own


@pytest.mark.parametrize("w2", [3.5, 4.0, 6.0])
def test_cramer_von_mises_tail_is_continuous_and_conservative(w2):
    """At the switch the tail formula and scipy's series agree within 2 %; beyond, the
    tail decreases with W² (monotone: a wider sample never gets a larger p)."""
    series = float(scipy_stats._hypotests._cdf_cvm_inf(np.float64(stats.CVM_SERIES_LIMIT)))
    at_limit = stats.cramervonmises_pvalue(stats.CVM_SERIES_LIMIT + 1e-9, 0.0)
    assert at_limit == pytest.approx(1 - series, rel=0.06) and at_limit >= 1 - series
    assert stats.cramervonmises_pvalue(w2 + 0.5, 0.0) < stats.cramervonmises_pvalue(w2, 0.0)


def test_an_underflowed_p_value_is_printed_as_a_bound():
    law = Normal(0.0, 1.0)
    ks, _ = stats.goodness_of_fit(draw(Normal(3.0, 1.0)), law, ALPHA)
    assert ks.pvalue == 0.0
    assert "p<2.23e-308 < alpha" in ks.describe()


@pytest.mark.parametrize("name", LAWS)
def test_a_pure_scale_error_is_not_reported_as_a_shift_of_the_centre(name):
    law = LAWS[name]
    x = draw(scaled(law, 3.0))
    assert not stats.variance(x, law, ALPHA).passed
    assert stats.mean(x, law, ALPHA).passed


def test_the_mean_test_of_constant_values():
    law = Normal(0.0, 1.0)
    assert stats.mean(np.zeros(100), law, ALPHA).passed
    assert not stats.mean(np.full(100, 0.5), law, ALPHA).passed
