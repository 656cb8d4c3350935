"""Statistical tests, each returning a :class:`Verdict` (never asserting).

Every test is a two-sided (or, where stated, one-sided) test of a fully specified
null hypothesis (the spec's law), with a p-value from an exact or a stated
approximate null distribution. The caller chooses ``alpha``; see
``conformance.budget`` for how the run's false-alarm budget is shared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

from initializer_conformance.reference.laws import ElementwiseLaw


@dataclass(frozen=True)
class Verdict:
    """The outcome of one statistical test."""

    test: str  # e.g. "Kolmogorov-Smirnov"
    statistic: float
    pvalue: float
    alpha: float
    n: int
    effect: str = ""  # the effect size, in words and numbers

    @property
    def passed(self) -> bool:
        return self.pvalue >= self.alpha

    def describe(self) -> str:
        relation = ">=" if self.passed else "<"
        return (f"{self.test}: statistic={self.statistic:.6g}, p={self.pvalue:.3g} {relation} "
                f"alpha={self.alpha:.3g}, n={self.n}" + (f"; {self.effect}" if self.effect else ""))


def two_sided(cdf: float, sf: float) -> float:
    return min(1.0, 2.0 * min(cdf, sf))


# -- goodness of fit -------------------------------------------------------------------------

def goodness_of_fit(x: np.ndarray, law: ElementwiseLaw, alpha: float) -> list[Verdict]:
    """One-sample Kolmogorov-Smirnov and Cramér-von Mises tests against the law's exact CDF.

    Both statistics are invariant under the probability integral transform, so the
    CDF is evaluated once and ``u = F(x)`` is tested against U(0, 1). KS looks at the
    largest gap between the ECDF and the CDF; CvM integrates the squared gap, and is
    the more powerful of the two against changes of scale.
    """
    u = law.cdf(x)
    ks = stats.kstest(u, "uniform")
    cvm = stats.cramervonmises(u, "uniform")
    return [Verdict("Kolmogorov-Smirnov", float(ks.statistic), float(ks.pvalue), alpha, x.size,
                    f"max |ECDF - CDF| = {ks.statistic:.4g}"),
            Verdict("Cramér-von Mises", float(cvm.statistic), float(cvm.pvalue), alpha, x.size,
                    f"W² = {cvm.statistic:.4g}")]


# -- moments --------------------------------------------------------------------------------

@lru_cache(maxsize=512)
def central_moments(law: ElementwiseLaw) -> tuple[float, float, float]:
    """``(m2, m4, m6)``: central moments of the law (all our laws are symmetric)."""
    return tuple(law.central_moment(k) for k in (2, 4, 6))


def variance(x: np.ndarray, law: ElementwiseLaw, alpha: float) -> Verdict:
    """Test of the spread about the spec's mean: ``S = Σ (x_i - μ)²``.

    Under the law, ``S`` has mean ``n·m2``, variance ``n·(m4 - m2²)`` and third central
    moment ``n·(m6 - 3·m2·m4 + 2·m2³)``. Its p-value comes from the Pearson type III
    (shifted gamma) law with those three moments: exact for a normal law (``S/σ²``
    is then χ²ₙ), error O(1/n) otherwise (a plain z-test errs O(1/√n) in the tails).
    The effect is the ratio observed/expected of the root-mean-square deviation.
    """
    n = x.size
    m2, m4, m6 = central_moments(law)
    y = np.square(x - law.mean)
    var_y = m4 - m2 * m2
    skew_s = (m6 - 3 * m2 * m4 + 2 * m2 ** 3) / var_y ** 1.5 / math.sqrt(n)
    z = (float(y.sum()) - n * m2) / math.sqrt(n * var_y)
    null = stats.pearson3(skew_s)
    ratio = math.sqrt(float(y.mean()) / m2)
    return Verdict("variance (Pearson III, 3 moments)", z, two_sided(null.cdf(z), null.sf(z)),
                   alpha, n, f"observed/expected std = {ratio:.4f}")


def mean(x: np.ndarray, law: ElementwiseLaw, alpha: float) -> Verdict:
    """z-test of the sample mean against the spec's mean with the spec's std
    (CLT; the laws are symmetric, so the normal approximation errs O(1/n))."""
    n = x.size
    sd = math.sqrt(central_moments(law)[0])
    z = (float(x.mean()) - law.mean) * math.sqrt(n) / sd
    return Verdict("mean (z)", z, two_sided(stats.norm.cdf(z), stats.norm.sf(z)), alpha, n,
                   f"observed mean = {x.mean():.6g} (expected {law.mean:.6g}), shift = "
                   f"{(x.mean() - law.mean) / sd:+.4f} std")


# -- counts ---------------------------------------------------------------------------------

def excess_count(k: int, n: int, p0: float, alpha: float, what: str) -> Verdict:
    """One-sided binomial test: are there more than Binomial(n, p0) values in a region?"""
    pvalue = float(stats.binom.sf(k - 1, n, p0)) if k > 0 else 1.0
    return Verdict(f"binomial (excess {what})", float(k), pvalue, alpha, n,
                   f"{k} of {n} values ({k / n:.3%}); expected {n * p0:.3g} ({p0:.3%})")


def count(k: int, n: int, p0: float, alpha: float, what: str) -> Verdict:
    """Two-sided exact binomial test of the number of values in a region."""
    pvalue = float(stats.binomtest(k, n, p0).pvalue)
    return Verdict(f"binomial ({what})", float(k), pvalue, alpha, n,
                   f"{k} of {n} values ({k / n:.3%}); expected {n * p0:.4g} ({p0:.3%})")


# -- dependence -----------------------------------------------------------------------------

def correlation(a: np.ndarray, b: np.ndarray, alpha: float, what: str) -> Verdict:
    """Test of zero Pearson correlation between paired values (Fisher z, ``atanh(r)·√(n-3)``)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    n = a.size
    sa, sb = a.std(), b.std()
    r = 0.0 if sa == 0 or sb == 0 else float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
    z = math.atanh(min(max(r, -0.999999999), 0.999999999)) * math.sqrt(max(n - 3, 1))
    return Verdict(f"correlation ({what})", z, two_sided(stats.norm.cdf(z), stats.norm.sf(z)),
                   alpha, n, f"Pearson r = {r:+.4f}")


# -- power analysis -------------------------------------------------------------------------

def samples_for_scale_power(law: ElementwiseLaw, relative_std_error: float, alpha: float,
                            power: float) -> int:
    """Smallest n at which :func:`variance` detects ``std·(1 + e)`` with ``power``.

    Normal theory of the variance test: the relative change of the variance is at
    least ``1 - (1 - e)²`` (the smaller of the two directions), the statistic's
    relative standard error ``sqrt((κ - 1)/n)`` with κ the law's kurtosis; so
    ``n = (κ - 1)·((z_{α/2} + z_β) / (1 - (1 - e)²))²``.
    For a normal law (κ = 3) this is the textbook ``(z_α + z_β)² / (2δ²)`` with
    δ = e the relative change of the std, to first order.
    """
    m2, m4, _ = central_moments(law)
    kurtosis = m4 / m2 ** 2
    z = stats.norm.isf(alpha / 2) + stats.norm.isf(1 - power)
    return math.ceil((kurtosis - 1) * (z / (1 - (1 - relative_std_error) ** 2)) ** 2)
