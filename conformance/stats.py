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

from initializer_conformance.reference import dtypes
from initializer_conformance.reference.dtypes import Rounded
from initializer_conformance.reference.laws import (
    TRUNCATION_WIDTH,
    ElementwiseLaw,
    Normal,
    TruncatedNormal,
    Uniform,
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one statistical test."""

    test: str  # e.g. "Kolmogorov-Smirnov"
    statistic: float
    pvalue: float
    alpha: float
    n: int
    effect: str = ""  # the effect size, in words and numbers
    #: False for a test with nothing to test (a table of 0 degrees of freedom): it neither
    #: passes nor fails on evidence, spends no alpha, and says so in its record.
    tested: bool = True

    @property
    def passed(self) -> bool:
        return not self.tested or self.pvalue >= self.alpha

    def describe(self) -> str:
        if not self.tested:
            return f"{self.test}: not tested ({self.effect}), n={self.n}"
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


def uniform_ks(u: np.ndarray) -> tuple[float, float]:
    """``(D, p)``: the Kolmogorov-Smirnov test of probabilities ``u`` (a PIT) against
    U(0, 1), as scipy's ``kstest(u, "uniform")`` computes it (:func:`uniform_ks_sorted`)."""
    return uniform_ks_sorted(np.sort(np.ravel(u)))


def uniform_ks_sorted(u: np.ndarray) -> tuple[float, float]:
    """``(D, p)`` of sorted probabilities ``u`` against U(0, 1): scipy's two-sided
    statistic (``max(i/n - u_i, u_i - (i-1)/n)``) and exact p-value (``kstwo.sf(D, n)``,
    its ``method="auto"``; tests/test_stats.py checks both agree with ``kstest``).

    Given sorted values, it skips the sort ``kstest`` does again (1.8 s on 16.8 M values,
    sorted or not) and scipy's generic CDF (``kstest(u, "uniform")``: 11.7 s on 16.8 M
    values, this: 0.3 s); ``test_large.py`` sorts 16 chunks, then merges them."""
    n = u.size
    steps = np.arange(n + 1, dtype=np.float64) / n
    d = max(float(np.max(steps[1:] - u)), float(np.max(u - steps[:-1])))
    return d, float(np.clip(stats.kstwo.sf(d, n), 0.0, 1.0))


def _identity_on_unit_interval(u: np.ndarray) -> np.ndarray:
    return np.clip(u, 0.0, 1.0)


def two_sided(cdf: float, sf: float) -> float:
    return min(1.0, 2.0 * min(cdf, sf))


# -- goodness of fit -------------------------------------------------------------------------


def goodness_of_fit(x: np.ndarray, law: ElementwiseLaw | Rounded, alpha: float) -> list[Verdict]:
    """One-sample Kolmogorov-Smirnov and Cramér-von Mises tests against the law's exact CDF;
    for a 16-bit dtype's :class:`~initializer_conformance.reference.dtypes.Rounded` law,
    also the exact test of the counts of its representable values (:func:`discrete_counts`).

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
    ks_d, ks_p = uniform_ks(u)
    cvm = stats.cramervonmises(u, _identity_on_unit_interval)
    w2 = float(cvm.statistic)
    on = " (randomized PIT)" if discrete else ""
    verdicts = [
        Verdict(
            f"Kolmogorov-Smirnov{on}",
            ks_d,
            ks_p,
            alpha,
            x.size,
            f"max |ECDF - CDF| = {ks_d:.4g}",
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
    return [*verdicts, discrete_counts(x, law, alpha)] if discrete else verdicts


def cells_for(n: int) -> int:
    """How many cells of equal mass the counts test cuts the law into for ``n`` values:
    ``2·n^(2/5)`` (Mann and Wald's rule of thumb), 4 to 200: 105 cells for 20,000 values."""
    return max(4, min(200, round(2 * n**0.4)))


def _cells(law: Rounded, k: int) -> np.ndarray:
    """The cell (0 .. k - 1) of each atom: consecutive atoms grouped into ``k`` cells of
    about equal mass, by the mass at each atom's middle (an atom of mass > 1/k is a cell of
    its own)."""
    middle = np.cumsum(law.masses) - law.masses / 2
    _, cell = np.unique(np.minimum((middle * k).astype(np.int64), k - 1), return_inverse=True)
    return cell


def nearest_atom(x: np.ndarray, law: Rounded) -> np.ndarray:
    """The index of the atom nearest each value (values the law gives no mass count on the
    nearest one that it does: where values may lie is test_bounds' business)."""
    if law.values.size == 1:
        return np.zeros(x.size, dtype=np.int64)
    right = np.clip(np.searchsorted(law.values, x), 1, law.values.size - 1)
    return right - (x - law.values[right - 1] < law.values[right] - x)


def binomial_two_sided(k: np.ndarray, n: int, p: np.ndarray) -> np.ndarray:
    """Exact two-sided binomial p-values, ``min(1, 2·min(P(X <= k), P(X >= k)))``."""
    return np.minimum(1.0, 2.0 * np.minimum(stats.binom.cdf(k, n, p), stats.binom.sf(k - 1, n, p)))


def discrete_counts(x: np.ndarray, law: Rounded, alpha: float) -> Verdict:
    """The counts of representable values against
    :class:`~initializer_conformance.reference.dtypes.Rounded`, cell by cell, exactly.

    Consecutive atoms are grouped into :func:`cells_for` cells of about equal mass (an
    atom of large mass is a cell of its own: a narrow law's one or two atoms are cells of
    their own). A cell's count is exactly Binomial(n, mass) under the law; the test takes
    each cell's exact two-sided binomial p-value and rejects when the smallest, times the
    number of cells (Bonferroni), is below ``alpha``. So its false-alarm probability is at
    most ``alpha`` for every law and every ``n`` (no asymptotics: a chi-square tail over
    cells of 5.8 expected values rejected at 5.5 to 25 times its alpha), and the audit
    (``benchmarks/calibration.py``) computes it exactly, cell by cell. It sees what the
    randomized KS/CvM tests average out: values stuck on one representable value, or a
    region of values over- or under-filled.
    """
    n = x.size
    cell = _cells(law, cells_for(n))
    cells = int(cell.max()) + 1
    mass = np.bincount(cell, weights=law.masses, minlength=cells)
    observed = np.bincount(cell[nearest_atom(x, law)], minlength=cells)
    title = f"counts of {law.dtype} values, exact binomial per cell"
    if cells == 1:  # one atom (an interval narrower than an ulp): nothing to count
        return Verdict(title, 0.0, 1.0, alpha, n, "every atom in one cell", tested=False)
    p = binomial_two_sided(observed, n, mass)
    worst = int(np.argmin(p))
    return Verdict(
        title + f" ({cells} cells, Bonferroni)",
        float(observed[worst]),
        float(min(1.0, cells * p[worst])),
        alpha,
        n,
        f"{cells} cells; worst: {observed[worst]} values where {n * mass[worst]:.1f} expected",
    )


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

    A law rounded to a 16-bit dtype with few atoms (a narrow law) has a sum of squares far
    from any three-moment law at small n (a 3-atom bfloat16 law at n = 64 rejected at 1.6
    times alpha; two heavy atoms and two of 6e-12 at 22,942 times): there the p-value is
    exact, from the law of the atoms' counts (:func:`atom_counts_spread`: two heavy atoms
    and a few light ones) or bracketed conservatively (:func:`binned_spread`).

    A law rounded to a 16-bit dtype can put every atom at one distance from its mean: one
    atom (an interval narrower than an ulp) or two atoms with equal masses. ``S`` is then
    exactly ``n·m2`` (its variance is 0) and the test is exact: every value must be at
    that distance.
    """
    n = x.size
    m2, m4, m6 = central_moments(law)
    y = np.square(x - law.mean)
    if isinstance(law, Rounded) and _constant_deviation_law(law):
        return _constant_deviation(y, law, alpha)
    var_y, null = _null_of_spread(m2, m4, m6, n)
    z = (float(y.sum()) - n * m2) / math.sqrt(n * var_y)
    ratio = math.sqrt(float(y.mean()) / m2)
    counted = atom_counts_spread(law, n) if isinstance(law, Rounded) else None
    if counted is not None:  # S is a function of the atoms' counts: their exact law
        return Verdict(
            "variance (exact law of the atoms' counts)",
            z,
            counted.two_sided(x, law.mean),
            alpha,
            n,
            f"observed/expected std = {ratio:.4f}",
        )
    exact = binned_spread(law, n) if isinstance(law, Rounded) else None
    if exact is not None:
        test = "variance (exact law of the sum of squares, bracketed)"
        pvalue = exact.two_sided(x, law.mean)
    else:
        test, pvalue = "variance (Pearson III, 3 moments)", two_sided(null.cdf(z), null.sf(z))
    return Verdict(test, z, pvalue, alpha, n, f"observed/expected std = {ratio:.4f}")


def _null_of_spread(m2: float, m4: float, m6: float, n: int):
    """``(Var((x - μ)²), null)``: the Pearson III law of the standardised ``S`` of
    :func:`variance` for a law of central moments ``m2, m4, m6`` and ``n`` values."""
    var_y = m4 - m2 * m2
    return var_y, stats.pearson3((m6 - 3 * m2 * m4 + 2 * m2**3) / var_y**1.5 / math.sqrt(n))


#: Relative tolerance on squared deviations that are equal but for float64 rounding.
DEGENERATE = 1e-9


def _constant_deviation_law(law: Rounded) -> bool:
    """Whether every atom of the law is at the same distance from its mean."""
    levels = np.square(law.values - law.mean)
    return float(np.ptp(levels)) <= DEGENERATE * float(levels.max())


def _constant_deviation(y: np.ndarray, law: Rounded, alpha: float) -> Verdict:
    """The variance test when every ``y = (x - μ)²`` equals ``m2`` under the law: exact
    (a value at another distance has probability 0)."""
    m2 = central_moments(law)[0]
    off = int(np.count_nonzero(np.abs(y - m2) > DEGENERATE * m2))
    where = f"{law.mean:.6g}" + (f" ± {math.sqrt(m2):.6g}" if m2 > 0 else "")
    return Verdict(
        "variance (exact: every atom of the law is at one distance from its mean)",
        float(off),
        0.0 if off else 1.0,
        alpha,
        y.size,
        f"{off} of {y.size} values off {where}; observed rms deviation "
        f"{math.sqrt(float(y.mean())):.6g}, expected {math.sqrt(m2):.6g}",
    )


def mean(x: np.ndarray, law: ElementwiseLaw | Rounded, alpha: float) -> Verdict:
    """Test of the sample mean against the law's mean, standardised by the law's *known*
    std: ``z = (x̄ - μ)·√n / σ``.

    Its null law is exact where it matters. For a law rounded to a 16-bit dtype whose atoms
    span few points of their lattice (:func:`lattice_sum`: a narrow law, where a
    normal tail would be far off), the exact law of the sum of n values, so that
    every value on one atom has its exact probability (a self-normalised t-test took
    p = 0 there). Otherwise the normal tail: exact for a normal law, and conservative for
    the spec's other laws, whose kurtosis is below 3 (uniform, truncated normal; their
    sums' tails are lighter than normal: ``benchmarks/calibration.py`` computes the
    rejection probability of every case). A pure scale error shows here too, besides
    :func:`variance`: the two are one check ("scale").
    """
    n = x.size
    sd = math.sqrt(central_moments(law)[0])
    shift = float(x.mean()) - law.mean
    exact = lattice_sum(law, n) if isinstance(law, Rounded) else None
    if exact is not None:
        pvalue, test = exact.two_sided(x), "mean (exact law of the sum)"
        z = shift * math.sqrt(n) / sd if sd > 0 else 0.0
    else:
        z = shift * math.sqrt(n) / sd
        pvalue, test = float(2 * stats.norm.sf(abs(z))), "mean (z, known std)"
    return Verdict(
        test,
        z,
        min(1.0, pvalue),
        alpha,
        n,
        f"observed mean = {x.mean():.6g} (expected {law.mean:.6g}), shift = "
        + (f"{shift / sd:+.4f} spec std" if sd > 0 else f"{shift:+.6g} (the law has no spread)"),
    )


#: The largest lattice (points of the sum of n values) whose law :func:`lattice_sum` computes.
LATTICE_POINTS = 2**20


@dataclass(frozen=True)
class LatticeSum:
    """The exact law of the sum of ``n`` values of a discrete law whose atoms are integer
    multiples ``k·step`` (the representable values of a 16-bit dtype within the law's range
    are multiples of the smallest ulp among them)."""

    step: float
    first: int  # lattice index of the sum's first point
    pmf: np.ndarray
    centre: float  # n·μ/step: the sum's mean, in lattice units

    def two_sided(self, x: np.ndarray) -> float:
        """``P(|S - nμ| >= |s - nμ|)`` for the observed sum ``s`` of ``x``, ties included
        (within a relative 1e-9 of the lattice's scale: the mean is a float)."""
        observed = math.fsum(np.asarray(x, dtype=np.float64) / self.step) - self.centre
        index = self.first + np.arange(self.pmf.size) - self.centre
        slack = 1e-9 * max(1.0, abs(self.centre))
        return float(self.pmf[np.abs(index) >= abs(observed) - slack].sum())


def _lattice_step(values: np.ndarray) -> float:
    """The lattice of a 16-bit law's atoms: the smallest gap between them is an ulp, and
    every atom a multiple of it (one atom: its own value)."""
    if values.size > 1:
        return float(2.0 ** math.floor(math.log2(float(np.min(np.diff(values))))))
    return abs(float(values[0])) or 1.0


def has_lattice_sum(law: Rounded, n: int) -> bool:
    """Whether :func:`lattice_sum` computes the law of the sum of ``n`` values (the mean
    test is then exact)."""
    values = law.values
    return n * (values[-1] - values[0]) / _lattice_step(values) + 1 <= LATTICE_POINTS


@lru_cache(maxsize=64)
def lattice_sum(law: Rounded, n: int) -> LatticeSum | None:
    """:class:`LatticeSum` of ``n`` values of ``law``, or ``None`` if its lattice is wider
    than :data:`LATTICE_POINTS` (a wide law: its sum is then as normal as a test can see).
    The pmf is the n-th power of the atoms' characteristic function, inverted by one FFT
    (absolute error about 1e-16 per point, far below the alphas)."""
    if not has_lattice_sum(law, n):
        return None
    values, masses = law.values, law.masses
    step = _lattice_step(values)
    k = np.rint(values / step).astype(np.int64)
    width = int(k[-1] - k[0])
    points = n * width + 1
    pmf = np.zeros(width + 1)
    np.add.at(pmf, k - k[0], masses)
    size = 1 << max(1, (points - 1).bit_length())
    total = np.fft.irfft(np.fft.rfft(pmf, size) ** n, size)[:points]
    total = np.clip(total, 0.0, None)
    centre = n * math.fsum(masses * k)
    return LatticeSum(step, n * int(k[0]), total, centre)


#: Atoms whose total mass ε has ``n·ε`` at most this are left out of the exact laws of sums,
#: and the p-value grows by ``n·ε`` (their probability of showing at all), so it stays valid:
#: 1/200 of the smallest alpha the suite spends (2.1e-7). Seed 1206's bfloat16 law has two
#: atoms of 6e-12 beside two heavy ones: at n = 64 they are left out (7.7e-10).
DROPPED_BUDGET = 1e-9


def negligible_atoms(law: Rounded, n: int) -> np.ndarray:
    """Mask of the lightest atoms whose total mass times ``n`` is at most
    :data:`DROPPED_BUDGET` (only atoms below ``DROPPED_BUDGET / n`` can be: few to sort)."""
    mask = law.masses <= DROPPED_BUDGET / n
    candidates = np.flatnonzero(mask)
    order = candidates[np.argsort(law.masses[candidates], kind="stable")]
    mask[order[n * np.cumsum(law.masses[order]) > DROPPED_BUDGET]] = False
    return mask


#: The most light atoms, and count vectors of them, that :func:`atom_counts_spread` enumerates.
LIGHT_ATOMS, COUNT_VECTORS = 6, 20_000


@dataclass(frozen=True)
class AtomCounts:
    """The exact law of ``S = Σ (x_i - μ)²`` through the atoms' counts: two heavy atoms
    ``a, b`` and light atoms whose count vectors ``c`` are enumerated with their multinomial
    probabilities. Given ``c``, ``S = base_c + k·d`` with ``k ~ Binomial(n - |c|, q)`` the
    count of ``b`` among the values on the heavy pair, so both tails are exact sums."""

    base: np.ndarray  # S when no value is on b, per count vector
    trials: np.ndarray  # n - |c|, per count vector
    weight: np.ndarray  # P(c)
    d: float  # y_b - y_a > 0
    q: float  # P(b | a or b)
    dropped: float  # P(a dropped atom shows, or c is beyond the enumerated vectors)

    def pvalue_of(self, s: float) -> float:
        k = (s - self.base) / self.d
        slack = 1e-6  # ties within float64 rounding of s count in both tails (conservative)
        below = stats.binom.cdf(np.floor(k + slack), self.trials, self.q)
        above = stats.binom.sf(np.ceil(k - slack) - 1, self.trials, self.q)
        tails = float(np.dot(self.weight, below)), float(np.dot(self.weight, above))
        return min(1.0, 2 * min(tails) + self.dropped)

    def two_sided(self, x: np.ndarray, mean: float) -> float:
        return self.pvalue_of(math.fsum(np.square(np.asarray(x, dtype=np.float64) - mean)))


@lru_cache(maxsize=64)
def atom_counts_spread(law: Rounded, n: int) -> AtomCounts | None:
    """:class:`AtomCounts` of ``n`` values of ``law``, or ``None`` unless the law has two
    heavy atoms at unequal distances from its mean and its other atoms (beyond
    :func:`negligible_atoms`) are few and have few count vectors (:data:`COUNT_VECTORS`, each
    count cut where its binomial tail is below ``DROPPED_BUDGET`` over their number)."""
    kept = np.flatnonzero(~negligible_atoms(law, n))
    if kept.size < 2 or _constant_deviation_law(law):
        return None
    masses = law.masses[kept]
    y = np.square(law.values[kept] - law.mean)
    heavy = np.argsort(masses)[-2:]
    a, b = heavy[np.argsort(y[heavy])]
    d = float(y[b] - y[a])
    light = np.setdiff1d(np.arange(kept.size), heavy)
    if d <= 1e-12 * float(y[b]) or light.size > LIGHT_ATOMS:
        return None
    cut = DROPPED_BUDGET / max(1, light.size)
    tops = [int(stats.binom.isf(cut, n, masses[j])) + 1 for j in light]
    if math.prod(top + 1 for top in tops) > COUNT_VECTORS:
        return None
    grids = np.meshgrid(*[np.arange(top + 1) for top in tops], indexing="ij")
    counts = (
        np.stack([g.ravel() for g in grids], axis=1)
        if light.size
        else np.zeros((1, 0), dtype=np.int64)
    )
    counts = counts[counts.sum(axis=1) <= n]
    total = counts.sum(axis=1)
    pair = float(masses[a] + masses[b])
    weight = np.exp(  # multinomial P(c), the heavy pair lumped (kept masses: no dropped atom)
        special.gammaln(n + 1)
        - special.gammaln(n - total + 1)
        - special.gammaln(counts + 1).sum(axis=1)
        + (counts * np.log(masses[light])).sum(axis=1)
        + (n - total) * math.log(pair)
    )
    base = counts @ y[light] + (n - total) * y[a]
    dropped = max(0.0, 1.0 - math.fsum(weight))  # a dropped atom, or c beyond the cuts
    return AtomCounts(base, n - total, weight, d, float(masses[b]) / pair, dropped)


#: The grid of the squares in :func:`binned_spread`, in standard deviations of the sum: the
#: brackets move the rejection threshold by at most this (5 % of a std, at a threshold of 5 std).
SPREAD_RESOLUTION = 0.05


@dataclass(frozen=True)
class BinnedSpread:
    """Conservative exact law of ``S = Σ (x_i - μ)²`` for a discrete law: each square
    ``y`` is rounded down (and, separately, up) to a grid of ``step``, so that
    ``S_low <= S <= S_high`` with certainty, and the laws of both sums are exact (FFT
    powers). ``P(S <= s) <= P(S_low <= s)`` and ``P(S >= s) <= P(S_high >= s)``: the
    p-value from them is at least the exact one (a valid, conservative test) and, at a
    resolution of 5 % of the sum's std, no further from it than that."""

    step: float
    low: tuple[int, np.ndarray]  # (first grid index of S_low, pmf)
    high: tuple[int, np.ndarray]
    dropped: float  # n·(mass of the atoms left out)

    def pvalue_of(self, s: float) -> float:
        first, pmf = self.low
        below = float(pmf[: max(0, math.floor(s / self.step) - first + 1)].sum())
        first, pmf = self.high
        above = float(pmf[max(0, math.ceil(s / self.step) - first) :].sum())
        return min(1.0, 2 * min(below, above) + self.dropped)

    def two_sided(self, x: np.ndarray, mean: float) -> float:
        return self.pvalue_of(math.fsum(np.square(np.asarray(x, dtype=np.float64) - mean)))

    def rejection_bound(self, alpha: float) -> float:
        """An upper bound of the probability that the test rejects at ``alpha``: the
        rejected sums are the tails where ``2·P(S_low <= s) + dropped < alpha`` (and the
        same above), and ``S`` lies in them with at most the brackets' probabilities."""
        total = 0.0
        for (_, pmf), tail in ((self.low, np.cumsum), (self.high, _reverse_cumsum)):
            mass = tail(pmf)
            rejected = mass[2 * mass + self.dropped < alpha]
            total += float(rejected.max()) if rejected.size else 0.0
        return total


def _reverse_cumsum(a: np.ndarray) -> np.ndarray:
    return np.cumsum(a[::-1])[::-1]


def _spread_grid(law: Rounded, n: int):
    """``(kept atoms, their squares, masses, grid step)`` of :func:`binned_spread`, or
    ``None`` if the sum's grid would exceed :data:`LATTICE_POINTS`."""
    keep = ~negligible_atoms(law, n)
    y = np.square(law.values[keep] - law.mean)
    masses = law.masses[keep]
    m2 = float(np.dot(masses, y) / masses.sum())
    sd_sum = math.sqrt(n * float(np.dot(masses, (y - m2) ** 2) / masses.sum()))
    step = SPREAD_RESOLUTION * sd_sum / n
    if step <= 0 or n * (y.max() - y.min()) / step + 1 > LATTICE_POINTS:
        return None
    return keep, y, masses, step


def has_binned_spread(law: Rounded, n: int) -> bool:
    """Whether :func:`binned_spread` computes the law of the sum of squares (the variance
    test is then exact, conservatively bracketed)."""
    return _spread_grid(law, n) is not None


@lru_cache(maxsize=64)
def binned_spread(law: Rounded, n: int) -> BinnedSpread | None:
    """:class:`BinnedSpread` of ``n`` values of ``law``, or ``None`` if the grid of the sum
    would exceed :data:`LATTICE_POINTS` (a wide law, or many values: the three-moment law
    is used there, and ``benchmarks/calibration.py`` computes its rejection probability)."""
    grid = _spread_grid(law, n)
    if grid is None:
        return None
    keep, y, masses, step = grid
    sides = []
    for rounded in (np.floor(y / step), np.ceil(y / step)):
        k = rounded.astype(np.int64)
        one = np.zeros(int(k.max() - k.min()) + 1)
        np.add.at(one, k - k.min(), masses)
        sides.append((n * int(k.min()), _power(one, n, ((one.size - 1) * n + 1,))))
    dropped = n * float(law.masses[~keep].sum())
    return BinnedSpread(step, sides[0], sides[1], dropped)


def _power(pmf: np.ndarray, n: int, shape: tuple[int, ...]) -> np.ndarray:
    """The pmf of the sum of ``n`` independent copies (n-th power of the FFT)."""
    size = tuple(1 << max(1, (s - 1).bit_length()) for s in shape)
    axes = tuple(range(pmf.ndim))
    total = np.fft.irfftn(np.fft.rfftn(pmf, size, axes) ** n, size, axes)
    return np.clip(total[tuple(slice(0, s) for s in shape)], 0.0, None)


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


def column_sign_correlation(a: np.ndarray, b: np.ndarray, alpha: float, what: str) -> Verdict:
    """Test of zero correlation between two matrices ``a`` and ``b`` where ``b``'s law is
    unchanged by flipping the sign of any of its columns (a Haar orthogonal matrix, rounded
    to any dtype): ``S = Σ_j c_j``, ``c_j = <a_j, b_j>`` the columns' inner products, over
    ``√(Σ c_j²)``. Given the sizes ``|c_j|``, the signs of the ``c_j`` are independent fair
    coins, so ``stats.signed_sum_pvalue`` bounds the p-value for every law of ``a``: exact
    where Fisher's z on dependent entries is a limit. For Haar ``a`` and ``b``, ``S`` is the
    trace of the Haar matrix ``aᵀb`` and the denominator about 1: the same statistic as
    Pearson's ``r·√(n_entries)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    a, b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
    c = np.einsum("ij,ij->j", a, b)
    size = float(np.sqrt(np.sum(c * c)))
    z = float(c.sum()) / size if size > 0 else 0.0
    r = float(np.sum(a * b) / np.sqrt(np.sum(a * a) * np.sum(b * b))) if size > 0 else 0.0
    return Verdict(
        f"column-sign correlation ({what})",
        z,
        float(signed_sum_pvalue(z)),
        alpha,
        c.size,
        f"r = {r:+.4f} over {a.size} entries; {c.size} columns: z = {z:+.2f}",
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
    with ``power`` on ``n`` values; ``nan`` where no std that small can be told apart.

    Exact for the test as it is computed: a std off by a factor ``r`` scales ``S`` by
    ``r²``, so its standardised statistic is ``r²·Z₀ + (r² - 1)·c`` with ``Z₀`` the null's
    Pearson III variable and ``c = n·m2 / sqrt(n·Var((x - μ)²))``; the test rejects with
    probability ``power`` when ``r² = (z_crit + c) / (z_power + c)``."""
    m2, m4, m6 = central_moments(law)
    var_y, null = _null_of_spread(m2, m4, m6, n)
    c = math.sqrt(n) * m2 / math.sqrt(var_y)
    low_crit, high_crit = null.ppf(alpha / 2), null.isf(alpha / 2)
    shrink = (low_crit + c) / (null.ppf(power) + c)
    grow = (high_crit + c) / (null.ppf(1 - power) + c)
    low = 1 - math.sqrt(shrink) if low_crit + c > 0 else math.nan
    return low, math.sqrt(grow) - 1


# -- structure of one output (test_structure.py) ----------------------------------------------


def coinciding_pairs(x: np.ndarray) -> tuple[int, int]:
    """``(pairs, distinct)``: the number of pairs of equal values among ``x`` (a value seen
    ``c`` times makes ``c·(c - 1)/2`` pairs) and the number of distinct values."""
    _, counts = np.unique(np.ravel(x), return_counts=True)
    counts = counts.astype(np.int64)
    return int(np.sum(counts * (counts - 1) // 2)), int(counts.size)


def excess_events(k: int, expected: float, alpha: float, what: str, effect: str = "") -> Verdict:
    """One-sided test of an excess of rare events: ``P(Poisson(expected) >= k)``.

    For counts of rare coincidences among many values (pairs of equal values, values on a
    narrower dtype's grid): each is a sum of many nearly independent indicators of small
    probability, so Poisson (Le Cam: the error is at most the sum of the squared
    probabilities, below 1e-6 here). ``expected`` is an upper bound under the null, so the
    test is conservative."""
    pvalue = float(stats.poisson.sf(k - 1, expected)) if k > 0 else 1.0
    return Verdict(
        f"Poisson (excess {what})",
        float(k),
        pvalue,
        alpha,
        k,
        effect or f"{k} observed; at most {expected:.4g} expected",
    )


def _even_moment(law: ElementwiseLaw, k: int) -> float:
    """``E[(x - mean)^k]`` for even ``k``: in closed form for the spec's three families
    (scipy integrates a uniform's numerically, 30 ms a moment), else the law's own."""
    if isinstance(law, Normal):
        return law.scale**k * math.prod(range(k - 1, 0, -2))
    if isinstance(law, Uniform):
        return ((law.high - law.low) / 2) ** k / (k + 1)
    if isinstance(law, TruncatedNormal):  # m_k = (k - 1)·m_{k-2} - 2·a^(k-1)·φ(a)/Z
        a = TRUNCATION_WIDTH
        tail = 2 * stats.norm.pdf(a) / (stats.norm.cdf(a) - stats.norm.cdf(-a))
        moment = 1.0
        for j in range(2, k + 1, 2):
            moment = (j - 1) * moment - a ** (j - 1) * tail
        return float(law.scale**k * moment)
    return law.central_moment(k)


def _polynomial_moments(law: ElementwiseLaw, coefficients: dict[int, float]) -> tuple:
    """``(mean, variance, third central moment)`` of ``f(y) = Σ c_k·y^k`` for ``y`` a value
    of the centred (symmetric) law, from its central moments (up to order ``3·max k``)."""
    top = 3 * max(coefficients)
    m = {k: (0.0 if k % 2 else _even_moment(law, k)) for k in range(1, top + 1)}
    m[0] = 1.0

    def expect(power: int) -> float:
        total = {0: 1.0}
        for _ in range(power):
            step: dict[int, float] = {}
            for a, ca in total.items():
                for b, cb in coefficients.items():
                    step[a + b] = step.get(a + b, 0.0) + ca * cb
            total = step
        return sum(c * m[k] for k, c in total.items())

    e1, e2, e3 = expect(1), expect(2), expect(3)
    return e1, e2 - e1 * e1, e3 - 3 * e1 * e2 + 2 * e1**3


@lru_cache(maxsize=512)
def shape_moments(law: ElementwiseLaw) -> tuple:
    m2, m4 = _even_moment(law, 2), _even_moment(law, 4)
    c = 2 * m4 / m2
    return (
        _polynomial_moments(law, {3: 1.0, 1: -3 * m2}),
        _polynomial_moments(law, {4: 1.0, 2: -c}),
    )


def shape_scores(y: np.ndarray, law: ElementwiseLaw) -> tuple[np.ndarray, np.ndarray]:
    """The normal scores ``(z3, z4)`` of :func:`skewness_kurtosis` for values centred on
    the law's mean (``y = x - μ``), over the last axis (one pair per row of a batch)."""
    n = y.shape[-1]
    (_, var3, _), (mean4, var4, third4) = shape_moments(law)
    y2 = y * y
    m2_law, m4_law = _even_moment(law, 2), _even_moment(law, 4)
    z3 = np.sum(y2 * y - 3 * m2_law * y, axis=-1) / math.sqrt(n * var3)
    c = 2 * m4_law / m2_law
    z = (np.sum(y2 * y2 - c * y2, axis=-1) - n * mean4) / math.sqrt(n * var4)
    null = stats.pearson3(third4 / var4**1.5 / math.sqrt(n))
    with np.errstate(divide="ignore"):
        z4 = np.where(z > 0, stats.norm.isf(null.sf(z)), stats.norm.ppf(null.cdf(z)))
    return z3, np.clip(z4, -38.0, 38.0)  # a p-value below 1e-300 is a normal score of 37


def skewness_kurtosis(x: np.ndarray, law: ElementwiseLaw, alpha: float) -> Verdict:
    """Skewness and kurtosis of the values against the law's: two normal scores, each
    two-sided, the smaller p-value of the two (Bonferroni).

    About the spec's mean ``μ``, with ``m_k`` the law's central moments and ``y = x - μ``:
    skewness by ``S3 = Σ (y³ - 3·m2·y)``, kurtosis by ``S4 = Σ (y⁴ - 2·(m4/m2)·y²)``.
    Both are insensitive, to first order, to an error of the centre or the scale (the
    derivatives of their means vanish there): a wrong std is test_scale's finding, and
    these see the *shape* (a Student-t of the right std, a mixture of normals). Their null
    moments are exact (from the law's central moments up to order 12): ``S3`` is
    symmetric (normal, error O(1/n)), ``S4``'s p-value is the Pearson III law of its first
    three moments (as :func:`variance`), turned into a normal score.

    Why not their chi-square of 2 degrees (``z3² + z4²``): the two scores are uncorrelated
    but not independent (their joint third cumulant ``E[S3²·S4]`` is not 0), and in the
    far tail that dependence adds a term of order 1/n that one-dimensional tests do not
    have. On a normal law the chi-square rejected at 3.6 times its level at ``n = 2,000``
    (level 1e-4, plain Monte Carlo of 200,000) and 2.3 times at ``n = 20,000`` (level 1e-7,
    by importance sampling, ``benchmarks/fixed_tier.py``); this test, about 1.5 times at
    ``n = 20,000`` (± 0.2) and 1.01 to 1.10 times at the suite's samples (131,072 values and
    more, every element-wise law and dtype: ``benchmarks/results/fixed_tier.json``). The
    scores' heavy-tailed terms, ``y³`` and ``y⁴`` of a normal law, approach the normal
    tail slowly.
    """
    n = x.size
    y = np.asarray(x, dtype=np.float64) - law.mean
    z3, z4 = (float(z) for z in shape_scores(y, law))
    p3, p4 = (float(2 * stats.norm.sf(abs(z))) for z in (z3, z4))
    m2_law, m4_law = _even_moment(law, 2), _even_moment(law, 4)
    d = y - y.mean()  # the effect is the sample's own skewness and kurtosis
    d2 = d * d
    m2 = float(np.mean(d2))
    skew = float(np.mean(d2 * d)) / m2**1.5 if m2 > 0 else 0.0
    kurt = float(np.mean(d2 * d2)) / m2**2 if m2 > 0 else 0.0
    law_kurt = m4_law / m2_law**2
    return Verdict(
        "skewness and kurtosis (normal scores; smaller p of 2, Bonferroni)",
        max(abs(z3), abs(z4)),
        min(1.0, 2 * min(p3, p4)),
        alpha,
        n,
        f"skewness {skew:+.4f} (law 0, z = {z3:+.2f}), kurtosis {kurt:.4f} "
        f"(law {law_kurt:.4f}, z = {z4:+.2f})",
    )


#: Mixed with the run's seed into the generator of :func:`randomized_pit`.
PIT_SEED = 20261207


def randomized_pit(x: np.ndarray, law: ElementwiseLaw, dtype: str, seed: int) -> np.ndarray:
    """``U = F(lo) + V·(F(hi) - F(lo))``, ``[lo, hi)`` each value's rounding cell in
    ``dtype`` (``dtypes.rounding_cell``) and ``V`` uniform from a generator of ``seed``
    (the run's), independent of ``x``: for values of the rounded law (any of the spec's
    dtypes, any number of atoms) ``U`` is **exactly** uniform on (0, 1), and i.i.d. where
    the values are (the randomised probability integral transform of a discrete law;
    Brockwell and Davis, Problem 2.4). The tests of dependence read ``U`` instead of
    ``F(x)``: their null law is then one law for every initializer and dtype, computed
    once (``benchmarks/fixed_tier.py``).

    Exact on average over ``V``, as the calibration audit averages over run seeds. Given
    one seed, each value keeps a fixed place within its atom: nothing for float32 and
    float64, whose cells hold at most 1e-7 of the mass; for a 16-bit dtype that seed's
    own rate is not computed apart from the average (docs/statistics.md)."""
    lo, hi = dtypes.rounding_cell(law, dtype, x)
    v = np.random.default_rng([PIT_SEED, seed]).random(np.shape(x))
    u = lo + v * (hi - lo)
    # Kept within 2^-53 of 0 and 1, symmetrically: a value outside the law's support (a
    # port of another law: an untruncated normal for a truncated one) has F = 0 or 1, and
    # its normal score is ±8.2 on either side, so that a symmetric law of the wrong shape
    # keeps symmetric scores (test_law reports its shape, not the tests of dependence).
    # Under the law, U is that close to 0 or 1 with probability 2^-52 per value.
    tail = np.finfo(np.float64).epsneg
    return np.clip(u, tail, 1 - tail)


def gaussianized(x: np.ndarray, law: ElementwiseLaw, dtype: str, seed: int) -> np.ndarray:
    """``Φ⁻¹(U)`` of :func:`randomized_pit`: exactly i.i.d. N(0, 1) under the law (up to
    the clip of ``U`` within 2^-53 of 0 and 1, a score beyond ±8.2: probability 2e-16
    each), whatever the law and dtype. The spectral tests' null is then exact."""
    return special.ndtri(randomized_pit(x, law, dtype, seed))


def quantile_codes(u: np.ndarray, bins: int) -> np.ndarray:
    """The index of the ``bins``-quantile cell (equal mass) of each probability ``u`` of
    :func:`randomized_pit`: exactly uniform on ``0 .. bins - 1`` under the law."""
    return np.minimum((np.asarray(u) * bins).astype(np.int64), bins - 1)


#: The smallest ``c`` with ``P(Σ a_i·ε_i >= x) <= c·P(η >= x)`` for every ``x``, every
#: ``Σ a_i² <= 1``, ``ε_i`` independent random signs and ``η ~ N(0, 1)``:
#: ``1 / (4·P(η >= √2))``, about 3.178 (Bentkus and Dzindzalieta, Bernoulli 21(2), 2015).
RADEMACHER_TAIL = float(1 / (4 * stats.norm.sf(math.sqrt(2))))


def signed_sum_pvalue(z: np.ndarray) -> np.ndarray:
    """Two-sided p-value of ``z = Σ a_i / √(Σ a_i²)`` for terms ``a_i = ε_i·|a_i|`` whose
    signs are independent fair coins given their sizes (a sum of products of independent
    values of a law symmetric about 0): ``min(1, 2·c·P(η >= |z|))``, ``c`` =
    :data:`RADEMACHER_TAIL`. At most alpha by the bound, whatever the sizes: conservative
    by at most the factor ``c``, about 0.2 standard errors at the suite's levels."""
    return np.minimum(1.0, 2 * RADEMACHER_TAIL * stats.norm.sf(np.abs(z)))


def transitions_chisquare(table: np.ndarray):
    """``(cells, expected, table)`` of Anderson and Goodman's chi-square of a table of
    transitions: the rows and columns that occur, the expected counts from their margins,
    and each cell's term (``cells.sum()`` is the statistic, of ``(r - 1)(c - 1)``
    degrees); ``(None, None, table)`` for a table of fewer than 2 rows or columns. The one
    statistic of the suite's test and of its computed null (``benchmarks/fixed_tier.py``)."""
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0].astype(np.float64)
    total = table.sum()
    if total == 0 or min(table.shape) < 2:
        return None, None, table
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    return (table - expected) ** 2 / expected, expected, table


def serial_independence(sequences: list[np.ndarray], bins: int, alpha: float, what: str) -> Verdict:
    """Are successive values independent? A chi-square test of the table of transitions
    ``(c_i, c_{i+1})`` between the cells ``c`` (0 .. bins - 1) along the last axis of
    each array of ``sequences``.

    The transitions overlap (each value is the end of one and the start of the next), so
    this is Anderson and Goodman's (1957) test of order 0 against order 1 of a Markov
    chain: the expected counts are estimated from the margins and the statistic is
    asymptotically chi-square of ``(r - 1)(c - 1)`` degrees for the ``r`` rows and ``c``
    columns that occur. It sees any dependence of a value's cell on its predecessor's,
    linear or not (the sign of a value set by the size of the one before has zero
    correlation and a chi-square of thousands). ``sequences`` may hold several tables'
    worth (rows and columns): their statistics and degrees add up, independent in the
    limit (they share no pair of values).
    """
    statistic, df, pairs, worst = 0.0, 0, 0, (0.0, "")
    for sequence in sequences:
        codes = np.asarray(sequence, dtype=np.int64)
        table = np.bincount(
            (codes[..., :-1] * bins + codes[..., 1:]).ravel(), minlength=bins * bins
        ).reshape(bins, bins)
        cells, expected, table = transitions_chisquare(table)
        if cells is None:
            continue
        statistic += float(cells.sum())
        df += (table.shape[0] - 1) * (table.shape[1] - 1)
        pairs += int(table.sum())
        if cells.max() > worst[0]:
            i, j = np.unravel_index(int(np.argmax(cells)), cells.shape)
            worst = (
                float(cells.max()),
                f"; worst cell: {int(table[i, j])} transitions where {expected[i, j]:.1f} expected",
            )
    if df == 0:  # every value in one cell: no transition to test
        return Verdict(
            f"chi-square of transitions ({what})",
            0.0,
            1.0,
            alpha,
            pairs,
            "a table of 0 degrees of freedom",
            tested=False,
        )
    return Verdict(
        f"chi-square of transitions, {bins}x{bins} law quantiles ({what})",
        statistic,
        float(stats.chi2.sf(statistic, df)),
        alpha,
        pairs,
        f"{df} degrees of freedom, Cramér's V = "
        f"{math.sqrt(statistic / (pairs * (bins - 1))):.4f}{worst[1]}",
    )


# -- Haar orthogonal matrices (test_orthogonal.py) ----------------------------------------------


def eigenangle_cdf(t: np.ndarray, n: int, det: int) -> np.ndarray:
    """CDF on [0, π] of one non-trivial eigenangle of a Haar matrix of O(n) with
    determinant ``det``, picked at random among its angles (the one-point density divided
    by their number).

    The eigenvalues of Q in O(n) are ``e^{±iθ_j}`` plus the real ones its determinant and
    parity force (``+1`` for SO(2N+1); ``-1`` for O⁻(2N+1); ``±1`` for O⁻(2N+2)). The
    angles form a determinantal process whose one-point density is the sum of the squared
    orthonormal functions of the group (Weyl's density; Katz and Sarnak 1999):
    SO(2N): ``1, √2·cos jθ`` (j < N); SO(2N+1): ``√2·sin (j + ½)θ`` (j < N);
    O⁻(2N+2): ``√2·sin jθ`` (1 <= j <= N), all over ``π``; O⁻(2N+1) = -SO(2N+1)
    (θ -> π - θ). Not uniform for small n: SO(3)'s rotation angle has density
    ``(1 - cos θ)/π``.
    """
    t = np.asarray(t, dtype=np.float64)
    half = n // 2
    if n % 2 == 0 and det > 0:  # SO(2N)
        j = np.arange(1, half)[:, None]
        return (half * t + np.sum(np.sin(2 * j * t) / (2 * j), axis=0)) / (half * np.pi)
    if n % 2 == 1 and det > 0:  # SO(2N+1)
        j = np.arange(half)[:, None]
        return np.sum(t - np.sin((2 * j + 1) * t) / (2 * j + 1), axis=0) / (half * np.pi)
    if n % 2 == 1:  # O⁻(2N+1)
        return 1.0 - eigenangle_cdf(np.pi - t, n, +1)
    j = np.arange(1, half)[:, None]  # O⁻(2N+2): N = half - 1 angles
    return np.sum(t - np.sin(2 * j * t) / (2 * j), axis=0) / ((half - 1) * np.pi)


def eigenangles(q: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """``(angles, det, eigenvalues)`` of a square orthogonal ``q``: its non-trivial
    eigenangles in [0, π] (one per conjugate pair; the eigenvalues ±1 that the determinant
    and the parity force are left out), the sign of its determinant, and all eigenvalues.
    Robust to a pair so close to ±1 that it came out as two real eigenvalues."""
    n = q.shape[0]
    values = np.linalg.eigvals(q)
    det = 1 if np.prod(values).real > 0 else -1
    angles = np.sort(np.abs(np.angle(values)))
    if det > 0 and n % 2 == 1:
        angles = angles[1:]  # the eigenvalue 1
    if det < 0:
        angles = angles[:-1]  # the eigenvalue -1
        if n % 2 == 0:
            angles = angles[1:]  # and 1
    return angles[0::2], det, values


def moment_tail_bound(z: float, moments: int) -> float:
    """``P(|T| >= |z|)`` at most, for ``T`` whose moments up to order ``moments`` are the
    standard normal's: Markov's inequality on ``T^{2m}``, ``(2m - 1)!! / z^{2m}``, at
    its best ``2m <= moments`` (conservative by about ``|z|·√π`` where ``m`` reaches
    ``z²/2``)."""
    m = np.arange(1, moments // 2 + 1)
    if m.size == 0 or z == 0:
        return 1.0
    log_moment = special.gammaln(2 * m + 1) - m * math.log(2) - special.gammaln(m + 1)
    return float(min(1.0, math.exp(float(np.min(log_moment - 2 * m * math.log(abs(z)))))))


def haar_traces(eigenvalues: list[np.ndarray], powers: int, alpha: float) -> Verdict:
    """The traces of the first powers of Haar orthogonal matrices, against their law.

    For Q Haar on O(n), the joint moments of ``(tr Q, ..., tr Q^k)`` equal those of
    independent normals of mean ``η_j`` (1 for even j, 0 for odd) and variance ``j``
    whenever ``Σ_j j·a_j <= n/2`` (Diaconis and Shahshahani 1994, Theorem 4: exactly, not
    in a limit). So ``z_j = Σ_draws (tr Q^j - η_j) / √(j·draws)`` has the standard
    normal's moments up to order ``⌊n/(2j)⌋``, and :func:`moment_tail_bound` bounds its
    tail whatever the law does beyond: each power's p-value is at most its level,
    Bonferroni over the powers. The traces are the Fourier modes of the eigenangles'
    empirical law: a matrix that is too close to I, a QR without its sign fix (tr Q about
    -9 at n = 256), a random walk that has not mixed, eigenangles without their repulsion,
    all move them by far more than 1.
    """
    n = eigenvalues[0].size
    j = np.arange(1, powers + 1)
    eta = (j % 2 == 0).astype(np.float64)
    traces = np.array([[np.sum(v**p).real for p in j] for v in eigenvalues])
    z = (traces - eta).sum(axis=0) / np.sqrt(j * len(traces))
    pvalues = [moment_tail_bound(float(zj), n // (2 * int(p))) for zj, p in zip(z, j, strict=True)]
    worst = int(np.argmin(pvalues))
    mean = traces.mean(axis=0)
    return Verdict(
        f"traces tr Q^j - η_j, j = 1..{powers}, moments bound (Diaconis-Shahshahani)",
        float(z[worst]),
        min(1.0, powers * pvalues[worst]),
        alpha,
        len(traces),
        f"the largest |z| at j = {worst + 1}: z = {z[worst]:+.2f}; mean tr Q = {mean[0]:+.3f} "
        f"(law 0, sd {1 / math.sqrt(len(traces)):.3f})"
        + (f", mean tr Q² = {mean[1]:+.3f} (law 1)" if powers >= 2 else ""),
    )
