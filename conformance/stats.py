"""Statistical tests, each returning a :class:`Verdict` (never asserting).

Every test is a two-sided (or, where stated, one-sided) test of a fully specified
null hypothesis (the spec's law), with a p-value from an exact or a stated
approximate null distribution, valid over the whole range where it is used (see
:func:`cramervonmises_pvalue`). The caller chooses ``alpha``; see
``conformance/run.py`` for how the run's false-alarm budget is shared.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import special, stats

from initializer_conformance.reference.dtypes import Rounded
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
        return (
            f"{self.test}: statistic={self.statistic:.6g}, p{format_pvalue(self.pvalue)} "
            f"{relation} alpha={self.alpha:.3g}, n={self.n}"
            + (f"; {self.effect}" if self.effect else "")
        )


#: The smallest positive normal double: a p-value computed as 0 underflowed below it.
PVALUE_FLOOR = float(np.finfo(np.float64).tiny)


def format_pvalue(p: float) -> str:
    """``"=1.23e-05"``, or ``"<2.23e-308"`` for a p-value that underflowed to 0 (it is
    not 0: it is below what a double can hold)."""
    return f"<{PVALUE_FLOOR:.3g}" if p < PVALUE_FLOOR else f"={p:.3g}"


def two_sided(cdf: float, sf: float) -> float:
    return min(1.0, 2.0 * min(cdf, sf))


# -- goodness of fit -------------------------------------------------------------------------


def goodness_of_fit(x: np.ndarray, law: ElementwiseLaw | Rounded, alpha: float) -> list[Verdict]:
    """One-sample Kolmogorov-Smirnov and Cramér-von Mises tests against the law's exact CDF;
    for a 16-bit dtype's :class:`~initializer_conformance.reference.dtypes.Rounded` law,
    also a chi-square test over its representable values (:func:`discrete_chisquare`).

    Both statistics are invariant under the probability integral transform, so the
    CDF is evaluated once and ``u = F(x)`` is tested against U(0, 1). KS looks at the
    largest gap between the ECDF and the CDF; CvM integrates the squared gap, and is
    the more powerful of the two against changes of scale. For a discrete law ``u`` is
    the randomized transform ``F(x-) + V·P(x)``, ``V ~ U(0, 1)``: exactly U(0, 1) under
    the law (Brockwell 2007), so the tests stay exact; ``V`` is seeded by the sample's
    bytes, so a verdict replays exactly.
    """
    discrete = isinstance(law, Rounded)
    if discrete:
        below, upto = law.cdf_sides(x)
        digest = hashlib.blake2b(np.ascontiguousarray(x).tobytes(), digest_size=8).digest()
        jitter = np.random.default_rng(int.from_bytes(digest, "little")).random(x.size)
        u = below + (upto - below) * jitter
    else:
        u = law.cdf(x)
    ks = stats.kstest(u, "uniform")
    cvm = stats.cramervonmises(u, "uniform")
    w2 = float(cvm.statistic)
    on = " (randomized PIT)" if discrete else ""
    verdicts = [
        Verdict(
            f"Kolmogorov-Smirnov{on}",
            float(ks.statistic),
            float(ks.pvalue),
            alpha,
            x.size,
            f"max |ECDF - CDF| = {ks.statistic:.4g}",
        ),
        Verdict(
            f"Cramér-von Mises{on}",
            w2,
            cramervonmises_pvalue(w2, float(cvm.pvalue)),
            alpha,
            x.size,
            f"W² = {w2:.4g}",
        ),
    ]
    return [*verdicts, discrete_chisquare(x, law, alpha)] if discrete else verdicts


#: Cells of the chi-square test hold at least this many expected values (Cochran's rule).
MIN_EXPECTED = 5


def cells_for(n: int) -> int:
    """How many cells of equal mass the chi-square test cuts the law into for ``n`` values:
    ``2·n^(2/5)`` (Mann and Wald's rule of thumb), 4 to 200: 105 cells for 20,000 values."""
    return max(4, min(200, round(2 * n**0.4)))


def discrete_chisquare(x: np.ndarray, law: Rounded, alpha: float) -> Verdict:
    """Pearson's chi-square test of the counts of representable values against
    :class:`~initializer_conformance.reference.dtypes.Rounded`.

    Consecutive values are grouped into about :func:`cells_for` cells of equal mass (a
    value of large mass is a cell of its own), and cells expecting fewer than
    :data:`MIN_EXPECTED` values are merged with the next. A value the law gives no mass
    counts on the nearest value it does (values outside the support are test_bounds'
    finding). It sees what the randomized KS/CvM tests average out: values stuck on one
    representable value, or spread over the wrong ones.
    """
    n = x.size
    k = cells_for(n)
    masses = law.masses
    middle = np.cumsum(masses) - masses / 2
    cell = np.minimum((middle * k).astype(np.int64), k - 1)
    expected = np.bincount(cell, weights=masses, minlength=k) * n
    merged = np.empty(k, dtype=np.int64)  # cell -> merged cell
    index, pending = 0, 0.0
    for c in range(k):
        merged[c] = index
        pending += expected[c]
        if pending >= MIN_EXPECTED:
            index, pending = index + 1, 0.0
    if pending < MIN_EXPECTED and index > 0:  # a short last cell joins the one before
        merged[merged == index] = index - 1
    groups = int(merged.max()) + 1
    expected = np.bincount(merged, weights=expected, minlength=groups)
    # Each value counts on its nearest atom: where values may lie is test_bounds' business.
    right = np.clip(np.searchsorted(law.values, x), 1, law.values.size - 1)
    atom = right - (x - law.values[right - 1] < law.values[right] - x)
    if law.values.size == 1:
        atom = np.zeros(n, dtype=np.int64)
    observed = np.bincount(merged[cell[atom]], minlength=groups).astype(np.float64)
    dof = groups - 1
    statistic = float(np.sum((observed - expected) ** 2 / expected)) if dof else 0.0
    pvalue = float(stats.chi2.sf(statistic, dof)) if dof else 1.0
    worst = int(np.argmax(np.abs(observed - expected) / np.sqrt(expected)))
    effect = (
        f"{groups} cells; worst: {observed[worst]:.0f} values where {expected[worst]:.1f} expected"
    )
    return Verdict(f"chi-square over {law.dtype} values", statistic, pvalue, alpha, n, effect)


#: Up to this W², scipy's p-value (Csörgő and Faraway's finite-n correction of the limiting
#: law's series) is accurate: within 0.2 % of the limiting law's tail at W² = 3 (p = 7.6e-8)
#: for n >= 256. Beyond it the series' truncation error takes over: scipy returns 1.8e-9 for
#: W² = 10 and 2.6e-7 for W² = 1139 (a sample 5.7 times too wide would pass).
CVM_SERIES_LIMIT = 3.0


def cramervonmises_pvalue(w2: float, scipy_pvalue: float) -> float:
    """The Cramér-von Mises p-value, valid for every W².

    Up to :data:`CVM_SERIES_LIMIT`, scipy's. Beyond, the tail of the limiting law
    ``W² = Σ Z_k² / (k²π²)``, which is dominated by its first term:
    ``P(W² > w) ~ C·P(Z_1² > π²w)`` with ``C = Π_{k>=2} (1 - 1/k²)^(-1/2) = √2``, i.e.
    ``√2·erfc(π·√(w/2))``; its relative error is below 1.2 % from W² = 3 on (against
    scipy's series where that is exact) and decreases with W², so the factor 1.05 keeps
    it an upper bound: the test stays conservative there, and never passes a sample whose
    W² is that far out (p < 8e-8 at W² = 3, 1e-12 at W² = 5).
    """
    if w2 <= CVM_SERIES_LIMIT:
        return scipy_pvalue
    return min(1.0, 1.05 * math.sqrt(2.0) * float(special.erfc(math.pi * math.sqrt(w2 / 2.0))))


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
    skew_s = (m6 - 3 * m2 * m4 + 2 * m2**3) / var_y**1.5 / math.sqrt(n)
    z = (float(y.sum()) - n * m2) / math.sqrt(n * var_y)
    null = stats.pearson3(skew_s)
    ratio = math.sqrt(float(y.mean()) / m2)
    return Verdict(
        "variance (Pearson III, 3 moments)",
        z,
        two_sided(null.cdf(z), null.sf(z)),
        alpha,
        n,
        f"observed/expected std = {ratio:.4f}",
    )


def mean(x: np.ndarray, law: ElementwiseLaw, alpha: float) -> Verdict:
    """t-test of the sample mean against the spec's mean, standardised by the *observed*
    spread (Student's t with n - 1 degrees of freedom: exact for a normal law, errs O(1/n)
    for the other symmetric laws). So a pure scale error, which :func:`variance` reports,
    is not also reported as a shift of the centre."""
    n = x.size
    sd = math.sqrt(central_moments(law)[0])
    observed_sd = float(x.std(ddof=1)) if n > 1 else 0.0
    shift = float(x.mean()) - law.mean
    if observed_sd == 0.0:  # every value equal: the mean is what it is, exactly
        t, pvalue = (0.0, 1.0) if shift == 0.0 else (math.copysign(math.inf, shift), 0.0)
    else:
        t = shift * math.sqrt(n) / observed_sd
        null = stats.t(n - 1)
        pvalue = two_sided(null.cdf(t), null.sf(t))
    return Verdict(
        "mean (t)",
        t,
        pvalue,
        alpha,
        n,
        f"observed mean = {x.mean():.6g} (expected {law.mean:.6g}), shift = "
        f"{shift / sd:+.4f} spec std",
    )


# -- counts ---------------------------------------------------------------------------------


def excess_count(k: int, n: int, p0: float, alpha: float, what: str) -> Verdict:
    """One-sided binomial test: are there more than Binomial(n, p0) values in a region?"""
    pvalue = float(stats.binom.sf(k - 1, n, p0)) if k > 0 else 1.0
    return Verdict(
        f"binomial (excess {what})",
        float(k),
        pvalue,
        alpha,
        n,
        f"{k} of {n} values ({k / n:.3%}); expected {n * p0:.3g} ({p0:.3%})",
    )


def count(k: int, n: int, p0: float, alpha: float, what: str) -> Verdict:
    """Two-sided exact binomial test of the number of values in a region."""
    pvalue = float(stats.binomtest(k, n, p0).pvalue)
    return Verdict(
        f"binomial ({what})",
        float(k),
        pvalue,
        alpha,
        n,
        f"{k} of {n} values ({k / n:.3%}); expected {n * p0:.4g} ({p0:.3%})",
    )


# -- dependence -----------------------------------------------------------------------------


def correlation(a: np.ndarray, b: np.ndarray, alpha: float, what: str) -> Verdict:
    """Test of zero Pearson correlation between paired values (Fisher z, ``atanh(r)·√(n-3)``)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    n = a.size
    sa, sb = a.std(), b.std()
    r = 0.0 if sa == 0 or sb == 0 else float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
    z = math.atanh(min(max(r, -0.999999999), 0.999999999)) * math.sqrt(max(n - 3, 1))
    return Verdict(
        f"correlation ({what})",
        z,
        two_sided(stats.norm.cdf(z), stats.norm.sf(z)),
        alpha,
        n,
        f"Pearson r = {r:+.4f}",
    )


# -- power analysis -------------------------------------------------------------------------


def samples_for_scale_power(
    law: ElementwiseLaw, relative_std_error: float, alpha: float, power: float
) -> int:
    """Smallest n at which :func:`variance` detects ``std·(1 + e)`` with ``power``.

    Normal theory of the variance test: the relative change of the variance is at
    least ``1 - (1 - e)²`` (the smaller of the two directions), the statistic's
    relative standard error ``sqrt((κ - 1)/n)`` with κ the law's kurtosis; so
    ``n = (κ - 1)·((z_{α/2} + z_β) / (1 - (1 - e)²))²``.
    For a normal law (κ = 3) this is the textbook ``(z_α + z_β)² / (2δ²)`` with
    δ = e the relative change of the std, to first order.
    """
    m2, m4, _ = central_moments(law)
    kurtosis = m4 / m2**2
    z = stats.norm.isf(alpha / 2) + stats.norm.isf(1 - power)
    return math.ceil((kurtosis - 1) * (z / (1 - (1 - relative_std_error) ** 2)) ** 2)


def detectable_std_errors(law, n: int, alpha: float, power: float) -> tuple[float, float]:
    """The relative std errors ``(too small, too large)`` that :func:`variance` detects
    with ``power`` on ``n`` values (the normal theory of :func:`samples_for_scale_power`,
    both directions); ``nan`` where no std that small can be told apart (n too small)."""
    m2, m4, _ = central_moments(law)
    z = stats.norm.isf(alpha / 2) + stats.norm.isf(1 - power)
    change = z * math.sqrt((m4 / m2**2 - 1) / n)  # the relative change of the variance
    low = 1 - math.sqrt(1 - change) if change < 1 else math.nan
    return low, math.sqrt(1 + change) - 1
