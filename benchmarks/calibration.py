"""The calibration audit: every statistical test's false-alarm probability, computed.

    python -m benchmarks.calibration [--seeds 10000] [--jobs 2] [--resume]

A conforming implementation must fail a full default run with probability at most 1e-3
(``conformance/run.py``). Sampling runs cannot verify that (100 runs bound a rate near
3e-2), so this audit computes it. With the conformance seed fixed, the cases every property
test draws are deterministic: the audit enumerates them as the suite's Hypothesis tests
do (same strategies, same derived seeds, same pinned examples), without drawing a value,
and for each case and each of its statistical tests computes the probability that a
conforming implementation fails it. Summed over a run's cases, that is the run's expected
number of false alarms (an upper bound on its probability of failing).

Three conforming implementations: the reference's law (the continuous law rounded once to
the output's dtype), and the float32 ports of ``adapters/conforming.py`` (torch-like:
uniforms on a grid of 2^-24, jax-like: 2^-23; ``mean + std·z`` in float32; a clamp at the
bounds). Only the tests that see single float32 values (the point mass at a bound) tell
them apart; every other test's statistic moves by at most 2^-23 relative per value under
their grids, far below what a test of n <= 10^6 values resolves.

How each probability is computed (``METHODS``):

* exact p-values (KS through scipy's exact Kolmogorov law; the mean test on a 16-bit lattice;
  the counts test's per-cell binomials; the binomial count and point-mass tests): the
  probability of rejecting is computed from the exact law of the statistic (a p-value that
  is exact is at most ``alpha`` with probability at most ``alpha``; the audit computes how
  much less);
* the variance test (Pearson III) and the normal-tail mean test on laws that are not
  normal: the exact law of the sum through its cumulant generating function, by the
  Lugannani-Rice saddlepoint formula (relative error O(1/n), checked against exact lattice
  sums and the Irwin-Hall law in ``tests/test_calibration.py``), or exactly, by enumerating
  the counts of a law of at most 3 atoms;
* the point mass at a bound: the exact probability, under each implementation, of a value
  in the window (the float32 ports' generators enumerated over their grid points near the
  bound), against the test's binomial critical count.

* the Cramér-von Mises test: its rejection probability depends on n and alpha only (the
  values' transform is U(0, 1) under the null), computed per n by importance sampling
  (``benchmarks/cvm_tail.py``, the committed table ``results/cvm_tail.json``); each seed
  records how many CvM tests of each n it runs;
* the variance test on the atoms' counts and the other exact p-values: counted at alpha,
  a bound (``tests/test_calibration.py`` computes their exact rejection probabilities at
  the degenerate extremes).

The fixed tier: the element-wise tests of the probes and of ``test_calls`` (the same
cases in every run) are computed as above (:func:`fixed_tier`), the correlations of the
element-wise initializers, their skewness-kurtosis tests and the transitions'
chi-squares by importance sampling, and the Poisson counts by bounds
(``benchmarks/fixed_tier.py``, its committed table ``results/fixed_tier.json``); the
fixed tier's other tests are counted at their alpha from a default run's ledger
(:func:`fixed_ledger`), each with its method and whether its p-value bounds its
rejection probability by alpha (:data:`FIXED_METHODS`: every one of them does).

Writes ``benchmarks/results/calibration.md`` (and a JSON of per-seed sums beside it).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize, special
from scipy import stats as sps

from initializer_conformance import reference
from initializer_conformance.conformance import run as runs
from initializer_conformance.conformance import stats
from initializer_conformance.conformance.run import Run, case_seed
from initializer_conformance.conformance.sampling import MAX_CALLS, N_TARGET
from initializer_conformance.reference import dtypes, laws, rounding
from initializer_conformance.reference.dtypes import Rounded

RESULTS = Path(__file__).parent / "results"
#: The statistics' version a store's seeds were audited with (3: the atoms' counts variance
#: test, CvM per n, a float32 bound's null with one ulp cell at the law's density); a store
#: of another is audited again.
METHOD = 3
IMPLS = ("reference", "torch-like", "jax-like")
#: The uniform grid of each implementation's float32 generator (bits of a uniform on [0, 1)).
GRID_BITS = {"torch-like": 24, "jax-like": 23}

METHODS = {
    "KS": "exact p-value (the Kolmogorov law of the PIT, scipy's kstwo): counted at alpha",
    "CvM": "computed per n by importance sampling (benchmarks/cvm_tail.py, "
    "results/cvm_tail.json; relative standard error 2-6 %)",
    "counts": "exact p-values (binomial per cell, Bonferroni): counted at alpha, a bound",
    "variance": "16-bit laws with a computable sum of squares: exact bracketed p-value, "
    "counted at alpha; a normal law: exact (chi-square); otherwise (Pearson III) computed: "
    "saddlepoint of the exact CGF, or the multinomial law of <= 3 atoms",
    "mean": "16-bit lattice: exact p-value, counted at alpha; a normal law: exact; otherwise "
    "(normal tail) computed: saddlepoint of the exact CGF",
    "tail count": "exact binomial (two-sided, minlike)",
    "point mass": "exact binomial at each implementation's probability in the window",
}


# -- the cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """A Hypothesis property test of the suite: what it draws and which tests it runs."""

    tests: tuple[str, ...]  # test modules sharing its cases
    identifiers: tuple[str, ...]
    strategy: object
    pinned: tuple
    max_calls: int
    checks: tuple[str, ...]  # "law", "scale", "bounds"


def properties() -> list[Property]:
    from initializer_conformance.conformance import strategies as s
    from initializer_conformance.conformance.identifiers import ELEMENTWISE, FAN_SCALED

    return [
        Property(
            ("test_law", "test_scale", "test_bounds"),
            tuple(ELEMENTWISE),
            s.cases(),
            s.ELEMENTWISE_EXAMPLES,
            MAX_CALLS,
            ("law", "scale", "bounds"),
        ),
        Property(
            ("test_fans",),
            tuple(FAN_SCALED),
            s.cases(s.fan_shapes()),
            s.FAN_EXAMPLES,
            s.FAN_MAX_CALLS,
            ("scale",),
        ),
    ]


def _draw_cases(strategy, seed: int, max_examples: int) -> list:
    """The cases a property test with ``strategy`` draws under the Hypothesis seed ``seed``
    (the suite's settings: no database; a test that passes is never shrunk)."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, given, settings

    from initializer_conformance.conformance.strategies import drawn_from_the_seed_only

    seen: list = []

    @settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=[p for p in Phase if p is not Phase.explain],  # the suite's (plugin.py)
        suppress_health_check=[  # the suite's (plugin.py): the rest change what is drawn
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )
    @given(case=strategy)
    def collect(case):
        seen.append(case)

    hypothesis.seed(seed)(collect)
    with drawn_from_the_seed_only():
        collect()
    return seen


#: ``$CALIBRATION_CASES_CACHE``: an SQLite file that keeps each seed's enumerated cases (the
#: audit's slower half), keyed by the strategies' source and Hypothesis's version, so that a
#: change of the statistics audits the same seeds again at half the cost. Not committed.
CASES_CACHE = "CALIBRATION_CASES_CACHE"


def enumerate_cases(strategy, seed: int, max_examples: int) -> list:
    """The cases a property test with ``strategy`` draws under the Hypothesis seed ``seed``
    (the suite's settings: no database; a test that passes is never shrunk), from the
    cache of ``$CALIBRATION_CASES_CACHE`` where it holds them."""
    import os

    path = os.environ.get(CASES_CACHE)
    if not path:
        return _draw_cases(strategy, seed, max_examples)
    from initializer_conformance.conformance.strategies import Case

    key = f"{_fingerprint()}:{strategy!r}:{seed}:{max_examples}"
    db = _cache(path)
    row = db.execute("SELECT value FROM cases WHERE key = ?", (key,)).fetchone()
    if row:
        return [Case(tuple(c[0]), c[1], c[2], c[3]) for c in json.loads(row[0])]
    cases = _draw_cases(strategy, seed, max_examples)
    value = json.dumps([[list(c.shape), c.dtype, c.seed, c.knobs] for c in cases])
    with db:
        db.execute("INSERT OR REPLACE INTO cases VALUES (?, ?)", (key, value))
    return cases


@functools.cache
def _cache(path: str):
    import sqlite3

    db = sqlite3.connect(path, timeout=60)
    db.execute("CREATE TABLE IF NOT EXISTS cases (key TEXT PRIMARY KEY, value TEXT)")
    return db


@functools.cache
def _fingerprint() -> str:
    import hashlib
    import inspect

    import hypothesis

    from initializer_conformance.conformance import identifiers, strategies

    text = inspect.getsource(strategies) + inspect.getsource(identifiers) + hypothesis.__version__
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def pooled(shape: tuple[int, ...], max_calls: int) -> int:
    """The values a property pools for a case of ``shape`` (``sampling.collect``)."""
    size = max(1, math.prod(shape))
    return size * max(1, min(max_calls, math.ceil(N_TARGET / size)))


# -- saddlepoint tails of sums ----------------------------------------------------------------


@dataclass(frozen=True)
class PointLaw:
    """A law as weighted points (a discrete law's atoms, or a continuous law's quadrature
    nodes): what its cumulant generating function needs."""

    points: np.ndarray
    weights: np.ndarray

    @functools.cached_property
    def mean(self) -> float:
        return float(np.dot(self.weights, self.points))

    def cgf(self, t: float) -> tuple[float, float, float]:
        """``(K(t), K'(t), K''(t))``."""
        e = t * (self.points - self.mean)
        shift = float(e.max())
        w = self.weights * np.exp(e - shift)
        total = float(w.sum())
        m1 = float(np.dot(w, self.points)) / total
        m2 = float(np.dot(w, (self.points - m1) ** 2)) / total
        return math.log(total) + shift + t * self.mean, m1, m2

    def upper_tail(self, n: int, a: float) -> float:
        """``P(mean of n values >= a)`` by Lugannani-Rice (``a`` above the mean)."""
        lo, hi = float(self.points.min()), float(self.points.max())
        if a >= hi:
            return float(self.weights[self.points >= hi].sum()) ** n if a == hi else 0.0
        if a <= self.mean:
            return 1.0
        upper = 1.0 / (hi - lo)
        while self.cgf(upper)[1] < a:  # widen the bracket until it holds the saddlepoint
            upper *= 4
        root = optimize.brentq(lambda t: self.cgf(t)[1] - a, 0.0, upper, xtol=1e-300, rtol=1e-13)
        k, _, k2 = self.cgf(root)
        w = math.sqrt(max(0.0, 2 * n * (root * a - k)))
        u = root * math.sqrt(n * k2)
        if w < 1e-6:
            return 0.5
        return float(sps.norm.sf(w) + sps.norm.pdf(w) * (1 / u - 1 / w))

    def lower_tail(self, n: int, a: float) -> float:
        return PointLaw(-self.points, self.weights).upper_tail(n, -a)


def squared(law: PointLaw, centre: float) -> PointLaw:
    """The law of ``(x - centre)²``."""
    return PointLaw((law.points - centre) ** 2, law.weights)


@functools.cache
def continuous(family: str) -> PointLaw:
    """A standardised continuous family as 400 Gauss-Legendre nodes: its CGF to about
    1e-15 on the range the tails need."""
    nodes, weights = np.polynomial.legendre.leggauss(400)
    if family == "uniform":
        x, w = nodes, weights / 2
    else:  # the truncated normal on [-2, 2]
        x = 2 * nodes
        w = weights * sps.norm.pdf(x)
        w = w / w.sum()
    return PointLaw(x, w)


#: A law of more atoms than this is merged into as many bins (their mean values) for its
#: CGF: the moments move by (bin width)²/12 relative, below 1e-6 here.
MAX_POINTS = 2048


def of_rounded(law: Rounded) -> PointLaw:
    keep = law.masses > 1e-30
    values, masses = law.values[keep], law.masses[keep] / law.masses[keep].sum()
    if values.size > MAX_POINTS:
        edges = np.linspace(values[0], values[-1], MAX_POINTS + 1)
        bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, MAX_POINTS - 1)
        weight = np.bincount(bins, weights=masses, minlength=MAX_POINTS)
        where = np.bincount(bins, weights=masses * values, minlength=MAX_POINTS)
        used = weight > 0
        values, masses = where[used] / weight[used], weight[used]
    return PointLaw(values, masses)


# -- rejection probabilities, test by test -------------------------------------------------------


def variance_rejection(points: PointLaw, n: int, alpha: float) -> float:
    """P(the variance test rejects) for values of ``points`` (about the law's mean)."""
    centre = points.mean
    y = squared(points, centre)
    m2 = y.mean
    m4 = float(np.dot(points.weights, (points.points - centre) ** 4))
    m6 = float(np.dot(points.weights, (points.points - centre) ** 6))
    if m4 - m2 * m2 <= 1e-12 * m2 * m2:  # every atom at one distance: the exact test
        return 0.0
    var_y, null = stats._null_of_spread(m2, m4, m6, n)
    sd = math.sqrt(var_y / n)
    high, low = m2 + null.isf(alpha / 2) * sd, m2 + null.ppf(alpha / 2) * sd
    atoms = points.weights > 1e-18
    if np.count_nonzero(atoms) <= 3:
        return _few_atoms_sum_rejection(y.points[atoms], y.weights[atoms], n, low, high)
    return y.upper_tail(n, high) + (y.lower_tail(n, low) if low > y.points.min() else 0.0)


def _few_atoms_sum_rejection(values, masses, n, low, high) -> float:
    """Exactly, for a law of at most 3 atoms: P(mean of n values outside [low, high]), by
    the multinomial counts (a two-dimensional grid of them, pruned to mass > 1e-30)."""
    masses = masses / masses.sum()
    if values.size == 1:
        return 0.0
    if values.size == 2:
        k = np.arange(n + 1)
        means = (k * values[1] + (n - k) * values[0]) / n
        pmf = sps.binom.pmf(k, n, masses[1])
        return float(pmf[(means > high) | (means < low)].sum())
    # three atoms: count of atom 1 (binomial), then atom 2 among the rest (binomial)
    total = 0.0
    k1 = np.arange(n + 1)
    p1 = sps.binom.pmf(k1, n, masses[1])
    for a in k1[p1 > 1e-30]:
        k2 = np.arange(n - a + 1)
        p2 = sps.binom.pmf(k2, n - a, masses[2] / (masses[0] + masses[2]))
        means = (a * values[1] + k2 * values[2] + (n - a - k2) * values[0]) / n
        total += p1[a] * float(p2[(means > high) | (means < low)].sum())
    return total


def mean_rejection(law, points: PointLaw, n: int, alpha: float) -> float:
    """P(the mean test rejects): exactly on a 16-bit lattice, else by the saddlepoint (the
    normal law: exactly ``alpha``)."""
    if isinstance(law, Rounded):
        if stats.has_lattice_sum(law, n):  # an exact p-value: rejects with probability <= alpha
            return alpha
    elif isinstance(law, laws.Normal):
        return alpha
    sd = math.sqrt(float(np.dot(points.weights, (points.points - points.mean) ** 2)))
    z = sps.norm.isf(alpha / 2) * sd / math.sqrt(n)
    return points.upper_tail(n, points.mean + z) + points.lower_tail(n, points.mean - z)


def _lattice_rejection(lattice: stats.LatticeSum, alpha: float) -> float:
    """The exact rejection probability of the lattice mean test: the mass of the sums whose
    two-sided p-value (mass at least as far from the centre) is below alpha."""
    distance = np.abs(lattice.first + np.arange(lattice.pmf.size) - lattice.centre)
    order = np.argsort(-distance, kind="stable")
    far = distance[order]
    mass = np.cumsum(lattice.pmf[order])
    slack = 1e-9 * max(1.0, abs(lattice.centre))
    # p(j) = mass of the points at distance >= d_j - slack: the last index of that group
    last = np.searchsorted(-far, -(far - slack), side="right") - 1
    pvalues = mass[last]
    return float(lattice.pmf[order][pvalues < alpha].sum())


def atom_counts_rejection(spread: stats.AtomCounts, alpha: float) -> float:
    """The rejection probability of the variance test on the atoms' counts, exactly (an
    upper bound where sums of different count vectors tie within the test's slack): every
    sum ``base_c + k·d`` with its probability, sorted, both tails accumulated."""
    k = np.arange(int(spread.trials.max()) + 1)
    sums = (spread.base[:, None] + k[None, :] * spread.d).ravel()
    mass = (
        spread.weight[:, None] * sps.binom.pmf(k[None, :], spread.trials[:, None], spread.q)
    ).ravel()
    order = np.argsort(sums, kind="stable")
    sums, mass = sums[order], mass[order]
    below = np.cumsum(mass)  # P(S <= s), ties (within float64 rounding) included
    above = _reverse_cumsum(mass)
    tie = 1e-6 * spread.d
    below = below[np.searchsorted(sums, sums + tie, side="right") - 1]
    above = above[np.searchsorted(sums, sums - tie, side="left")]
    pvalues = 2 * np.minimum(below, above) + spread.dropped
    return float(mass[pvalues < alpha].sum()) + spread.dropped


def _reverse_cumsum(a: np.ndarray) -> np.ndarray:
    return np.cumsum(a[::-1])[::-1]


def counts_rejection(law: Rounded, n: int, alpha: float) -> float:
    """The Bonferroni sum of the cells' exact rejection probabilities (an upper bound of the
    counts test's, itself at most alpha)."""
    cell = stats._cells(law, stats.cells_for(n))
    cells = int(cell.max()) + 1
    if cells == 1:
        return 0.0
    p = np.clip(np.bincount(cell, weights=law.masses, minlength=cells), 1e-300, 1 - 1e-16)
    level = alpha / cells
    # below: the largest k with 2·cdf(k) < level; above: the smallest k with 2·sf(k-1) < level
    guess = sps.binom.ppf(level / 2, n, p)
    low = np.maximum.reduce(
        [
            np.where((k >= 0) & (2 * sps.binom.cdf(k, n, p) < level), sps.binom.cdf(k, n, p), 0.0)
            for k in (guess - 2, guess - 1, guess)
        ]
    )
    guess = sps.binom.isf(level / 2, n, p)
    high = np.maximum.reduce(
        [
            np.where(
                (k <= n) & (2 * sps.binom.sf(k - 1, n, p) < level), sps.binom.sf(k - 1, n, p), 0.0
            )
            for k in (guess, guess + 1, guess + 2)
        ]
    )
    return float(low.sum() + high.sum())


def minlike_rejection(n: int, p0: float, alpha: float, p_true: float | None = None) -> float:
    """P(scipy's two-sided binomtest (minlike) rejects at alpha) for X ~ Binomial(n, p_true)."""
    k = np.arange(n + 1)
    pmf = sps.binom.pmf(k, n, p0)
    order = np.argsort(pmf, kind="stable")
    cumulative = np.cumsum(pmf[order])
    # p(k) = sum of pmf(j) <= pmf(k)·(1 + 1e-7): the last index of its group
    ranks = np.searchsorted(pmf[order], pmf[order] * (1 + 1e-7), side="right") - 1
    rejected = order[cumulative[ranks] < alpha]
    truth = pmf if p_true is None else sps.binom.pmf(k, n, p_true)
    return float(truth[rejected].sum())


def excess_rejection(n: int, p0: float, p_true: float, alpha: float) -> float:
    """P(the one-sided binomial excess test rejects) for X ~ Binomial(n, p_true)."""
    return float(sps.binom.sf(_excess_critical(n, p0, alpha) - 1, n, p_true))


@functools.lru_cache(maxsize=4096)
def _excess_critical(n: int, p0: float, alpha: float) -> int:
    """The smallest count the excess test rejects: ``P(X >= k) < alpha`` under ``p0``."""
    critical = int(sps.binom.isf(alpha, n, p0))  # sf(critical) <= alpha
    while critical > 0 and sps.binom.sf(critical - 1, n, p0) < alpha:
        critical -= 1
    while sps.binom.sf(critical - 1, n, p0) >= alpha:
        critical += 1
    return critical


# -- what each implementation puts at a bound ----------------------------------------------------


def window_probability(law, dtype: str, bound: float, impl: str) -> float:
    """The probability that one value of ``impl`` lies within the point-mass test's window
    of ``bound`` (``rounding.at_bound``)."""
    window, p0 = rounding.at_bound(law, dtype, bound)
    allowance = rounding.BOUND_ATOM * rounding.epsilon(
        "float32" if dtype in dtypes.SIXTEEN_BIT else dtype
    )
    exact = p0 - allowance  # the reference's: the law's mass in the window's cells
    if impl == "reference" or dtype == "float64":
        return max(0.0, exact)
    return _port_float32_window(law, dtype, bound, window, GRID_BITS[impl], impl)


def _port_float32_window(law, dtype, bound, window, bits, impl, enumerate_all=False) -> float:
    """The probability that the port's float32 generator puts a value in the window: the
    grid points whose value can fall in it (near ``u = 0`` for a lower bound, ``u = 1`` for
    an upper one); a 16-bit output is the float32 value rounded once more.

    The port's map from a grid point to its value is monotone (float32 arithmetic, the
    inverse CDF, the clamp and a rounding all keep order), so the points in the window are
    the first ``K`` of that run from the bound: ``K`` is found by bisection, 24 evaluations
    instead of up to 2^22 (``enumerate_all``: every point, which ``tests/test_calibration.py``
    holds the bisection to)."""
    lo, hi = law.support
    lower = bound == lo
    if dtype in dtypes.SIXTEEN_BIT:  # the window holds a 16-bit value's rounding cell
        window_reach = max(
            window, abs(float(np.spacing(np.float64(bound).astype(dtypes.resolve(dtype)))))
        )
    else:
        window_reach = window
    if isinstance(law, laws.Uniform):
        width = hi - lo
        span = 4 * window_reach / width + 4 * 2.0**-bits  # the fraction of the grid in reach
    else:
        density = sps.norm.pdf(laws.TRUNCATION_WIDTH) / (1 - 2 * sps.norm.sf(laws.TRUNCATION_WIDTH))
        span = 4 * window_reach / law.scale * density + 4 * 2.0**-bits
    count = min(2**bits, int(span * 2**bits) + 16)
    if count > 2**22:  # the window holds much of the law: the grid moves it by 1 point
        if dtype in dtypes.SIXTEEN_BIT:
            _, p0 = rounding.at_bound(law, dtype, bound)
            return p0 - rounding.BOUND_ATOM * rounding.epsilon("float32") + 2.0**-bits
        return float(law.cdf(bound + window) - law.cdf(bound - window))

    def inside(steps: np.ndarray) -> np.ndarray:  # steps from the bound's end of the grid
        k = steps if lower else 2**bits - 1 - steps
        x = _port_values(law, impl, (k * 2.0**-bits).astype(np.float32))
        if dtype in dtypes.SIXTEEN_BIT:
            x = x.astype(dtypes.resolve(dtype))
        return np.abs(x.astype(np.float64) - bound) <= window

    if enumerate_all:
        return float(np.count_nonzero(inside(np.arange(count, dtype=np.int64)))) * 2.0**-bits
    first_out, last_in = count, -1  # bisection for K: inside(j) for j < K, not from K on
    if inside(np.array([0]))[0]:
        last_in = 0
        while first_out - last_in > 1:
            middle = (first_out + last_in) // 2
            if inside(np.array([middle]))[0]:
                last_in = middle
            else:
                first_out = middle
    return float(last_in + 1) * 2.0**-bits


def _port_values(law, impl: str, u: np.ndarray) -> np.ndarray:
    """The port's float32 values at the float32 uniforms ``u`` (``adapters/conforming.py``)."""
    f32 = np.float32
    lo, hi = law.support
    if isinstance(law, laws.Uniform):
        return f32(lo) + f32(hi - lo) * u
    width = laws.TRUNCATION_WIDTH
    if impl == "torch-like":
        lo_cdf, hi_cdf = f32(special.ndtr(-width)), f32(special.ndtr(width))
        z = special.ndtri((lo_cdf + (hi_cdf - lo_cdf) * u).astype(np.float64)).astype(f32)
    else:
        a, b = f32(math.erf(-width / math.sqrt(2))), f32(math.erf(width / math.sqrt(2)))
        z = (f32(math.sqrt(2)) * special.erfinv(a + (b - a) * u).astype(f32)).astype(f32)
        z = np.clip(z, np.nextafter(f32(-width), f32(0)), np.nextafter(f32(width), f32(0)))
    return np.clip(f32(law.loc) + f32(law.scale) * z, f32(lo), f32(hi))


# -- one case -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=200_000)
def case_rejections(
    identifier: str, config_key: str, shape: tuple, dtype: str, n: int, checks: tuple, alpha: float
) -> tuple[tuple[str, str, float, float, float], ...]:
    """``((check, test, alpha, reference, torch-like, jax-like)...)``: the rejection
    probability of every statistical test of the checks ``checks`` on one case."""
    config = json.loads(config_key)
    law = reference.make(identifier, config).law(shape)
    exact = dtypes.in_dtype(law, dtype)
    out: list = []

    def same(check, test, p):
        out.append((check, test, alpha, p, p, p))

    rounded = isinstance(exact, Rounded)
    if rounded:
        points = of_rounded(exact)
    else:
        family = (
            "normal"
            if isinstance(law, laws.Normal)
            else ("uniform" if isinstance(law, laws.Uniform) else "truncated")
        )
        points = None if family == "normal" else continuous(family)
    if "law" in checks:
        same("law", "KS", alpha)
        same("law", "CvM", alpha)  # replaced by cvm_rejection(n, alpha) per n: law-free
        if rounded:  # per-cell exact binomials: at most alpha (the sum in test_calibration.py)
            same("law", "counts", alpha)
    if "scale" in checks:
        if rounded:
            # an exact (bracketed) p-value rejects with probability <= alpha (the bound is
            # computed, cell by cell, in tests/test_calibration.py)
            bracketed = stats.atom_counts_spread(exact, n) is not None or (
                stats.has_binned_spread(exact, n) and not stats._constant_deviation_law(exact)
            )
            same("scale", "variance", alpha if bracketed else variance_rejection(points, n, alpha))
            same("scale", "mean", mean_rejection(exact, points, n, alpha))
        elif points is None:  # a normal law: both tests exact
            same("scale", "variance", alpha)
            same("scale", "mean", alpha)
        else:
            same("scale", "variance", _continuous_variance(family, n, alpha))
            same("scale", "mean", _continuous_mean(family, n, alpha))
    if "bounds" in checks:
        if isinstance(law, laws.Normal):
            if rounded:
                p0 = exact.probability(np.abs(exact.values - law.loc) > 2 * law.scale)
            else:
                p0 = float(2 * law.dist.sf(law.loc + 2 * law.scale))
            same("bounds", "tail count", minlike_rejection(n, p0, alpha))
        else:
            for bound in law.support:
                _, p0 = rounding.at_bound(law, dtype, bound)
                row = [
                    excess_rejection(n, p0, window_probability(law, dtype, bound, impl), alpha)
                    for impl in IMPLS
                ]
                out.append(("bounds", "point mass", alpha, *row))
    return tuple(out)


@functools.cache
def _continuous_variance(family: str, n: int, alpha: float) -> float:
    return variance_rejection(continuous(family), n, alpha)


@functools.cache
def _continuous_mean(family: str, n: int, alpha: float) -> float:
    return mean_rejection(None, continuous(family), n, alpha)


def cvm_rejection(n: int, alpha: float) -> float:
    """The CvM test's rejection probability at ``n`` values (the committed table of
    ``benchmarks/cvm_tail.py``, extended where an ``n`` is missing)."""
    return _cvm_table(alpha, (n,))[n]


def _cvm_table(alpha: float, ns: tuple[int, ...]) -> dict[int, float]:
    from benchmarks import cvm_tail

    table = cvm_tail.load()
    missing = sorted({n for n in ns if cvm_tail.key(n, alpha) not in table})
    if missing:
        print(f"CvM tail: computing n = {missing} at alpha {alpha:.3g}", flush=True)
        cvm_tail.extend(missing, alpha)
        table = cvm_tail.load()
    return {n: table[cvm_tail.key(n, alpha)]["rejection"] for n in ns}


def seed_totals(result: dict, alpha: float, cvm: dict[int, float]) -> dict[str, float]:
    """A seed's expected false alarms per implementation, its CvM tests included."""
    extra = math.fsum(count * cvm[int(n)] for n, count in result["cvm"].items())
    return {impl: p + extra for impl, p in result["expected"].items()}


# -- a seed, and many -------------------------------------------------------------------------


def audit_seed(seed: int, max_examples: int, alpha: float) -> dict:
    """Every statistical test of the Hypothesis tier of one run: ``{"seed", "expected":
    {impl: expected false alarms}, "worst": [(ratio, description)...]}``."""
    runs.activate(Run(seed=seed))
    totals = dict.fromkeys(IMPLS, 0.0)
    cvm: dict[int, int] = {}  # n -> CvM tests of n values (their rejection: cvm_rejection)
    worst: list = []
    for prop in properties():
        for identifier in prop.identifiers:
            drawn = enumerate_cases(prop.strategy, case_seed(seed, identifier), max_examples)
            for case in [*prop.pinned, *drawn]:
                config = {k: v for k, v in case.config(identifier).items() if k != "seed"}
                try:
                    reference.make(identifier, config).law(case.shape)
                except ValueError:  # the spec rejects the config: no statistical test
                    continue
                n = pooled(case.shape, prop.max_calls)
                rows = case_rejections(
                    identifier,
                    json.dumps(config, sort_keys=True),
                    tuple(case.shape),
                    case.dtype,
                    n,
                    prop.checks,
                    alpha,
                )
                for check, test, a, *probabilities in rows:
                    if test == "CvM":  # the same for every implementation and law
                        cvm[n] = cvm.get(n, 0) + 1
                        continue
                    for impl, p in zip(IMPLS, probabilities, strict=True):
                        totals[impl] += p  # each check is one test module's
                    ratio = max(probabilities) / a
                    if ratio > 1.0:
                        worst.append(
                            (
                                ratio,
                                f"{identifier}({config}) {case.shape} {case.dtype} "
                                f"n={n}: {check}/{test}",
                            )
                        )
    worst.sort(reverse=True)
    return {
        "seed": seed,
        "expected": totals,
        "cvm": cvm,
        "worst": [(float(f"{r:.7g}"), w) for r, w in worst[:3]],
    }


def fixed_cases(alpha: float) -> list[tuple]:
    """The element-wise cases of the fixed tier (the same in every run): ``(label,
    identifier, config, shape, dtype, n, checks)`` of each probe (``test_probes``) and of
    each initializer's unseeded instances and later calls (``test_calls``)."""
    from initializer_conformance.conformance import fixed_cases
    from initializer_conformance.conformance.identifiers import ELEMENTWISE
    from initializer_conformance.conformance.probes import (
        ALL_PROBES,
        MARGIN,
        POWER,
        RELATIVE_STD_ERROR,
    )

    cases = []
    for probe in ALL_PROBES:
        config, shape = probe.case()
        law = reference.make(probe.identifier, config).law(shape)
        exact = dtypes.in_dtype(law, probe.dtype)
        n = int(MARGIN * stats.samples_for_scale_power(exact, RELATIVE_STD_ERROR, alpha, POWER))
        cases.append((f"probe {probe.id}", probe.identifier, config, shape, probe.dtype, n, 3))
    for identifier in ELEMENTWISE:
        config = {k: v for k, v in fixed_cases.calls_config(identifier).items() if k != "seed"}
        shape = fixed_cases.CALLS_SHAPE
        law = reference.make(identifier, config).law(shape)
        size = math.prod(shape)
        calls = math.ceil(fixed_cases.calls_per_source(law) / size)
        n = fixed_cases.CALLS_SOURCES * calls * size  # every source's calls fresh (keras2)
        cases.append((f"calls {identifier}", identifier, config, shape, "float32", n, 2))
    return [
        (label, identifier, config, shape, dtype, n, ("law", "scale", "bounds")[:checks])
        for label, identifier, config, shape, dtype, n, checks in cases
    ]


def fixed_tier(alpha: float) -> dict:
    """The fixed tier's tests computed: the element-wise tests (:func:`fixed_cases`), as the
    Hypothesis tier's are, and those of :func:`computed_elsewhere`."""
    runs.activate(Run())
    totals = dict.fromkeys(IMPLS, 0.0)
    worst = []
    by_test: dict[str, int] = {}  # the tests computed, by the name of the suite's verdicts
    for label, identifier, config, shape, dtype, n, checks in fixed_cases(alpha):
        rows = case_rejections(
            identifier, json.dumps(config, sort_keys=True), shape, dtype, n, checks, alpha
        )
        for check, test, a, *probabilities in rows:
            if test == "CvM":
                probabilities = [cvm_rejection(n, a)] * len(IMPLS)
            for impl, p in zip(IMPLS, probabilities, strict=True):
                totals[impl] += p
            worst.append((max(probabilities) / a, f"{label} n={n}: {check}/{test}"))
            name = SUITE_NAMES.get(test, test)
            by_test[name] = by_test.get(name, 0) + 1
    for name, rows in computed_elsewhere(alpha).items():  # benchmarks/fixed_tier.py
        for test, row in rows.items():
            per_impl = row.get("implementations", {})
            for impl in IMPLS:
                totals[impl] += per_impl.get(impl, row)["rejection"]
            error = f" (± {row['se'] / alpha:.3f})" if row["se"] else " (a bound)"
            worst.append((row["rejection"] / alpha, f"{test}{error}: {name}"))
            by_test[name] = by_test.get(name, 0) + 1
    worst.sort(reverse=True)
    return {"expected": totals, "worst": worst[:10], "by_test": by_test}


def computed_elsewhere(alpha: float) -> dict[str, dict[str, dict]]:
    """The fixed tier's tests that ``benchmarks/fixed_tier.py`` computes (its committed
    table, at ``alpha``), by the name of their verdicts: the correlations (importance
    sampling), the Poisson counts of coinciding values (bounds), the skewness and
    kurtosis and the transitions' chi-square (importance sampling)."""
    from benchmarks import fixed_tier

    stored = fixed_tier.load()
    return {
        name: {test: row for test, row in stored.get(key, {}).items() if row["alpha"] == alpha}
        for name, key in (
            ("correlation", "families"),
            ("Poisson", "counts"),
            ("skewness and kurtosis", "moments"),
            ("chi-square of transitions", "transitions"),
        )
    }


#: The audit's names of the element-wise tests, as the suite's verdicts begin.
SUITE_NAMES = {
    "KS": "Kolmogorov-Smirnov",
    "CvM": "Cramér-von Mises",
    "counts": "counts",
    "tail count": "binomial",
    "point mass": "binomial",
}


#: The fixed tier's tests that :func:`fixed_tier` does not compute, by the name their
#: verdicts carry: ``(how its p-value is made, whether that bounds its rejection by alpha)``.
FIXED_METHODS = {
    "Kolmogorov-Smirnov": (
        "scipy's kstwo: in the tail (n·D² >= 2.2) twice Smirnov's exact one-sided law, a "
        "union bound (Haar entries, projections, eigenangles pooled over draws: these repel, "
        "which narrows the ECDF; periodogram ordinates of the normal scores over their mean: "
        "conservative)",
        True,
    ),
    "binomial": ("exact binomial", True),
    "hypergeometric": ("exact hypergeometric", True),
    "Poisson": (
        "Poisson tail at an upper bound of the expected count: bounded for each "
        "implementation (benchmarks/fixed_tier.py: Poissonization and Bernstein from its "
        "measured collision probability; the binomial count of float32 numbers)",
        True,
    ),
    "correlation": (
        "Fisher z, normal tail: computed for every element-wise law by importance sampling "
        "(benchmarks/fixed_tier.py)",
        False,
    ),
    "column-sign correlation": (
        "Orthogonal's two seeds: the sum of the columns' inner products over its size, a "
        "weighted sum of random signs under Haar matrices; its tail at most 3.178 times the "
        "normal's (Bentkus and Dzindzalieta 2015): at most alpha",
        True,
    ),
    "chi-square of transitions": (
        "Anderson-Goodman chi-square of the randomised PIT's codes (uniform and independent "
        "under every law and dtype): computed by importance sampling (benchmarks/fixed_tier.py)",
        False,
    ),
    "skewness and kurtosis": (
        "two normal scores, Bonferroni: computed for every element-wise law and dtype by "
        "importance sampling (benchmarks/fixed_tier.py)",
        False,
    ),
    "traces tr Q^j": (
        "each power's sum of Haar traces, whose moments are the normal ones up to order "
        "n/(2j) exactly (Diaconis-Shahshahani 1994), bounded by Markov's inequality on its "
        "best even moment, Bonferroni over the 8 powers: at most alpha",
        True,
    ),
    "Bartlett's cumulative periodogram": (
        "KS of the cumulative periodogram of the normal scores (the randomised PIT: exactly "
        "i.i.d. N(0, 1) under every law and dtype), whose exact law is the uniform order "
        "statistics: scipy's kstwo, a bound in the tail",
        True,
    ),
    "correlation at every lag": (
        "each lag's self-normalised sum of products of normal scores, a weighted sum of "
        "random signs: its tail at most 3.178 times the normal's (Bentkus and Dzindzalieta "
        "2015), Bonferroni over the lags: at most alpha",
        True,
    ),
}


def fixed_ledger(*paths: str) -> dict[str, int]:
    """The fixed tier's statistical tests of a default run against the reference (of the
    test modules ``paths``, or all), by name (the ledger of ``conformance/run.py``), less
    those :func:`fixed_tier` computes."""
    import re

    import pytest

    counts: dict[str, int] = {}

    class Ledger:
        def pytest_sessionfinish(self, session):
            for test, alpha in runs.current().spent:
                if alpha == runs.FIXED_ALPHA:
                    name = re.sub(r"\s*\(.*$", "", test)
                    known = [
                        k for k in (*FIXED_METHODS, *SUITE_NAMES.values()) if name.startswith(k)
                    ]
                    name = max(known, key=len, default=name)  # the longest: "correlation at..."
                    counts[name] = counts.get(name, 0) + 1

    pytest.main(
        [*(paths or ["conformance"]), "--impl=numpy", "--no-report", "-q", "-p", "no:randomly"],
        plugins=[Ledger()],
    )
    computed = fixed_tier(runs.FIXED_ALPHA)["by_test"]
    return {k: v - computed.get(k, 0) for k, v in counts.items() if v > computed.get(k, 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10_000)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--output", type=Path, default=RESULTS / "calibration.md")
    parser.add_argument("--resume", action="store_true", help="continue the JSON beside --output")
    parser.add_argument(
        "--report-only", action="store_true", help="write the report of the seeds done so far"
    )
    parser.add_argument(
        "--merge",
        type=Path,
        action="append",
        default=[],
        help="add the seeds of another store (a run over other seeds, --first/--output)",
    )
    args = parser.parse_args()
    store = args.output.with_suffix(".json.gz")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    done = load(store) if (args.resume or args.report_only) and store.exists() else {}
    if done.get("_method") != METHOD:  # seeds audited by other statistics: start again
        done = {"_method": METHOD}
    for other in args.merge:
        _merge(done, other)
    if args.merge:
        save(store, done)
    if not args.report_only:
        seeds = [s for s in range(args.first, args.first + args.seeds) if str(s) not in done]
        _audit(done, seeds, args.jobs, store)
    done.pop("_method")
    seconds = done.pop("_seconds", 0.0)
    fixed, ledger = fixed_tier(runs.FIXED_ALPHA), fixed_ledger()
    args.output.write_text(report(done, fixed, ledger, Run().hypothesis_alpha, seconds))
    print(args.output.read_text())


def _merge(done: dict, other: Path) -> None:
    """Add the seeds of the store ``other`` (audited by these statistics) to ``done``."""
    merged = load(other)
    spent = merged.pop("_seconds", 0.0)
    if merged.pop("_method", None) != METHOD:
        raise SystemExit(f"{other}: audited by other statistics (not method {METHOD})")
    added = {seed: r for seed, r in merged.items() if seed not in done}
    done.update(added)
    done["_seconds"] = done.get("_seconds", 0.0) + spent
    print(f"merged {len(added)} seeds from {other}")


def _audit(done: dict, seeds: list[int], jobs: int, store: Path) -> None:
    """Audit ``seeds`` into ``done``, ``jobs`` at a time, saving ``store`` every 20 seeds
    (``_seconds``: the wall time over all sessions)."""
    profile = Run()
    start, spent = time.time(), done.get("_seconds", 0.0)
    with ProcessPoolExecutor(jobs) as pool:
        futures = pool.map(
            audit_seed,
            seeds,
            [profile.max_examples] * len(seeds),
            [profile.hypothesis_alpha] * len(seeds),
            chunksize=4,
        )
        for i, result in enumerate(futures, 1):
            done[str(result["seed"])] = result
            if i % 20 == 0 or i == len(seeds):
                done["_seconds"] = spent + time.time() - start
                save(store, done)
                print(f"{i} of {len(seeds)} seeds, {time.time() - start:.0f} s", flush=True)


def riskiest_seeds(store: Path) -> list[int]:
    """The seeds of ``store``, the likeliest to fail first (any implementation)."""
    done = {k: v for k, v in load(store).items() if not k.startswith("_")}
    alpha = Run().hypothesis_alpha
    cvm = _cvm_table(alpha, tuple(sorted({int(n) for r in done.values() for n in r["cvm"]})))
    return sorted(
        (r["seed"] for r in done.values()),
        key=lambda seed: -max(seed_totals(done[str(seed)], alpha, cvm).values()),
    )


def load(store: Path) -> dict:
    with gzip.open(store, "rt") as f:
        return json.load(f)


def save(store: Path, done: dict) -> None:
    """Per-seed results, gzipped (10,000 seeds: about 1 MB); written whole, then renamed."""
    partial = store.with_suffix(".tmp")
    with gzip.open(partial, "wt") as f:
        json.dump(done, f, separators=(",", ":"))
    partial.replace(store)


def report(done: dict, fixed: dict, ledger: dict[str, int], alpha: float, seconds: float) -> str:
    results = list(done.values())
    ns = tuple(sorted({int(n) for r in results for n in r["cvm"]}))
    cvm = _cvm_table(alpha, ns)
    for r in results:
        r["total"] = seed_totals(r, alpha, cvm)
    lines = [
        "# Calibration audit",
        "",
        "Every statistical test's probability of failing a conforming implementation, computed "
        "for every case the default (ci) profile draws (`python -m benchmarks.calibration`; "
        "the method of each test below).",
        "",
        f"- seeds: {len(results)} (each a full default run's Hypothesis cases); "
        f"this computation: {seconds:.0f} s",
        f"- alpha of a Hypothesis-tier test: {alpha:.3g}; fixed tier: {runs.FIXED_ALPHA:.3g}",
        "",
        "| implementation | expected false alarms per run: Hypothesis tier (mean over seeds) "
        "| worst seed | fixed tier: computed | fixed tier, other tests (at their "
        "alpha) | total |",
        "|---|---|---|---|---|---|",
    ]
    other = sum(ledger.values()) * runs.FIXED_ALPHA  # below: which of them this bounds
    for impl in IMPLS:
        per_seed = [r["total"][impl] for r in results]
        mean = float(np.mean(per_seed)) if per_seed else float("nan")
        top = max(results, key=lambda r: r["total"][impl]) if results else None
        total = mean + fixed["expected"][impl] + other
        lines.append(
            f"| {impl} | {mean:.3e} | {top['total'][impl]:.3e} (seed {top['seed']}) "
            f"| {fixed['expected'][impl]:.3e} | {other:.3e} | {total:.3e} |"
        )
    worst = [(p / alpha, f"any case of n={n}: law/CvM") for n, p in cvm.items() if p > alpha]
    highest: dict[str, float] = {}  # a case several seeds draw is listed once
    for ratio, what in [*worst, *(tuple(w) for r in results for w in r["worst"])]:
        highest[what] = max(ratio, highest.get(what, 0.0))
    worst = sorted(((ratio, what) for what, ratio in highest.items()), reverse=True)[:20]
    lines += ["", "## Worst cases (rejection probability / alpha, any implementation)", ""]
    lines += [f"- {ratio:.3f}x: {what}" for ratio, what in worst] or ["- none above 1x"]
    lines += ["", "## Riskiest seeds (reference)", ""]
    risky = sorted(results, key=lambda r: -max(r["total"].values()))[:20]
    lines += [
        f"- seed {r['seed']}: " + ", ".join(f"{k} {v:.3e}" for k, v in r["total"].items())
        for r in risky
    ]
    lines += _fixed_tier_section(fixed, ledger)
    lines += ["", "## Methods", ""]
    lines += [f"- {test}: {how}" for test, how in METHODS.items()]
    return "\n".join(lines) + "\n"


def _fixed_tier_section(fixed: dict, ledger: dict[str, int]) -> list[str]:
    """The report's lines on the fixed tier: its computed tests, then the others."""
    lines = ["", "## Fixed tier: the tests computed, worst", ""]
    lines += [f"- {ratio:.3f}x: {what}" for ratio, what in fixed["worst"]]
    lines += ["", "Computed by `benchmarks/fixed_tier.py` (`results/fixed_tier.json`):", ""]
    for name, rows in computed_elsewhere(runs.FIXED_ALPHA).items():
        ratios = [row["rejection"] / row["alpha"] for row in rows.values()]
        if ratios:
            lines.append(
                f"- {name}: {len(ratios)} tests, {min(ratios):.3g}x to {max(ratios):.3g}x "
                "their alpha"
            )
    lines += [
        "",
        "## Fixed tier: the other tests (a default run's ledger), counted at their alpha",
        "",
        "| test | per run | p-value | at most alpha |",
        "|---|---|---|---|",
    ]
    for name, count in sorted(ledger.items(), key=lambda kv: -kv[1]):
        how, bounded = FIXED_METHODS.get(name, ("not computed", False))
        lines.append(f"| {name} | {count} | {how} | {'yes' if bounded else 'not shown'} |")
    return lines


if __name__ == "__main__":
    main()
