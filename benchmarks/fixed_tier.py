"""The fixed tier's correlations, skewness-kurtosis tests, Poisson counts and transitions'
chi-squares: their rejection probability, computed.

    python -m benchmarks.fixed_tier [--parts families counts moments transitions] ...

The transitions' chi-squares (``test_serial_dependence``: 10) by importance sampling of
their one null law, uniform and independent codes (:func:`transitions_rejection`).

The skewness-kurtosis tests (``test_moments``: 10) by importance sampling, each value
drawn from the law tilted toward one side of one score (:func:`moments_rejection`). The
Poisson counts of coinciding values (``test_repeats``, ``test_float64_precision``: 20
tests) are bounded for each implementation of the calibration audit (the section "Poisson
counts" below). The correlations:

The fixed tier (the same cases in every run) spends 30 tests of Pearson correlation on the
element-wise initializers (``stats.correlation``: Fisher's z against the normal tail, a
limit no law of the suite reaches exactly):

* ``test_independence``: the lag-1 correlation along the rows and along the columns of a
  256×512 output, in each floating dtype (each axis one family of the dtypes, Bonferroni:
  2 tests per initializer);
* ``test_seeds``: the correlation between the 64×64 outputs of 7 pairs of seeds, in each
  floating dtype (one family of the pairs and dtypes per initializer).

A family rejects where one of its ``m`` members' p-values is below ``alpha / m``: its
rejection probability is at most the sum of its members', each computed here at its own
level ``alpha / m`` (about 2e-7 and 3e-8), far beyond plain Monte Carlo. Each is estimated
by importance sampling, with the likelihood ratio exact, so the estimate is unbiased and
its standard error computed from the weights:

* the values are drawn standardised (mean 0, variance 1) from the initializer's family
  (normal, uniform, or the normal truncated at ±2 std of its parent), mapped to the law
  (``mean + std·y``) and rounded once to the dtype, as the reference rounds;
* **pairs** of independent outputs: ``a`` from the law, each ``b_i`` from the law tilted
  by ``exp(θ·a_i·b)`` (a normal shifted by ``θ·a_i``, a truncated exponential, a truncated
  normal shifted), so that ``Σ a_i·b_i``, which the correlation follows, reaches the test's
  critical value; weight ``Π M(θ·a_i)·exp(-θ·a_i·b_i)``, ``M`` the standardised law's
  moment generating function;
* **lag 1** within an output: each row (or column) a Markov chain whose next value is drawn
  from the law tilted by ``exp(θ·y_t·y)``; weight ``Π M(θ·y_t)·exp(-θ·y_t·y_{t+1})``;
* each side of the two-sided test with its own tilt (``±θ``), ``θ`` the correlation at the
  critical value.

For the normal law, the correlation of independent pairs has an exact law (``r·√(n-2) /
√(1 - r²)`` is Student's t of ``n - 2`` degrees): :func:`exact_pairs_rejection`, which
``tests/test_fixed_tier.py`` also holds the sampler to. Writes ``results/fixed_tier.json``,
which the calibration audit (``benchmarks/calibration.py``) reads.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import special
from scipy import stats as sps

from initializer_conformance import reference
from initializer_conformance.conformance import each_dtype, fixed_cases
from initializer_conformance.conformance import run as runs
from initializer_conformance.conformance import stats as conformance_stats
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.reference import dtypes, laws, resolution, rounding

RESULTS = Path(__file__).parent / "results" / "fixed_tier.json"
#: Every floating dtype, in the order the checks draw them (a Bonferroni family of each).
DTYPES = each_dtype.ORDER


# -- the standardised families and their tilts ------------------------------------------------


@dataclass(frozen=True)
class Family:
    """A law standardised to mean 0 and variance 1: draws from it tilted by ``exp(s·y)``
    (``s = 0``: the law itself), and ``log M(s)``, the log of its moment generating
    function, which normalises the tilt."""

    name: str

    def tilted(self, rng: np.random.Generator, s: np.ndarray) -> np.ndarray:
        return self._inverse(rng.random(s.shape), s)

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The standardised law's quantile function (the untilted inverse CDF)."""
        return self._inverse(u, np.zeros_like(u))

    def _inverse(self, u: np.ndarray, s: np.ndarray) -> np.ndarray:
        """The law tilted by ``exp(s·y)`` (``s`` an array like ``u``), by its inverse CDF at ``u``."""
        if self.name == "normal":
            return s + special.ndtri(u)
        if self.name == "uniform":  # on [-√3, √3]: a truncated exponential, by its inverse CDF
            a = math.sqrt(3.0)
            small = np.abs(s) < 1e-12
            t = np.where(small, 1.0, s)
            y = -a + np.log1p(u * np.expm1(2 * a * t)) / t
            return np.where(small, -a + 2 * a * u, y)
        mu, c = self._shift(s)  # truncated: the parent normal shifted by s/c, cut at ±2
        lo, hi = special.ndtr(-laws.TRUNCATION_WIDTH - mu), special.ndtr(laws.TRUNCATION_WIDTH - mu)
        t = mu + special.ndtri(lo + u * (hi - lo))
        return np.clip(t, -laws.TRUNCATION_WIDTH, laws.TRUNCATION_WIDTH) / c

    def cdf(self, y: np.ndarray) -> np.ndarray:
        """The standardised law's CDF (precise in the lower tail: mirror the upper one)."""
        if self.name == "normal":
            return special.ndtr(y)
        if self.name == "uniform":
            a = math.sqrt(3.0)
            return np.clip((y + a) / (2 * a), 0.0, 1.0)
        w, c = laws.TRUNCATION_WIDTH, laws.TRUNCATED_NORMAL_STD_FACTOR
        low = special.ndtr(-w)
        return np.clip(
            (special.ndtr(np.clip(y * c, -w, w)) - low) / (special.ndtr(w) - low), 0.0, 1.0
        )

    @property
    def reach(self) -> float:
        """Where the standardised law's cells of equal width end (beyond: one cell each side)."""
        return {"normal": 8.5, "uniform": math.sqrt(3.0)}.get(
            self.name, laws.TRUNCATION_WIDTH / laws.TRUNCATED_NORMAL_STD_FACTOR
        )

    def log_mgf(self, s: np.ndarray) -> np.ndarray:
        if self.name == "normal":
            return s * s / 2
        if self.name == "uniform":
            x = math.sqrt(3.0) * np.abs(s)
            # log(sinh(x)/x), stable for small and large x
            return np.where(
                x < 1e-6, x * x / 6, x + np.log(-np.expm1(-2 * x) / (2 * np.maximum(x, 1e-300)))
            )
        mu, _ = self._shift(s)
        w = laws.TRUNCATION_WIDTH
        mass = special.ndtr(w - mu) - special.ndtr(-w - mu)
        return mu * mu / 2 + np.log(mass) - math.log(special.ndtr(w) - special.ndtr(-w))

    @staticmethod
    def _shift(s):
        c = laws.TRUNCATED_NORMAL_STD_FACTOR
        return s / c, c


def family_of(law) -> Family:
    if isinstance(law, laws.Normal):
        return Family("normal")
    if isinstance(law, laws.Uniform):
        return Family("uniform")
    assert isinstance(law, laws.TruncatedNormal), law
    return Family("truncated")


def in_dtype(law, y: np.ndarray, dtype: str) -> np.ndarray:
    """Standardised draws ``y`` as the law's values rounded once to ``dtype``, in float64."""
    x = law.mean + law.std * y
    return x.astype(dtypes.resolve(dtype)).astype(np.float64)


# -- the statistic, vectorised over replicates --------------------------------------------------


def fisher_z(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``stats.correlation``'s statistic for each row of ``a`` and ``b`` (replicates × n)."""
    n = a.shape[1]
    da, db = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    sa, sb = np.sqrt((da * da).mean(axis=1)), np.sqrt((db * db).mean(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where((sa == 0) | (sb == 0), 0.0, (da * db).mean(axis=1) / (sa * sb))
    return np.arctanh(np.clip(r, -0.999999999, 0.999999999)) * math.sqrt(max(n - 3, 1))


def critical_z(level: float) -> float:
    """The ``|z|`` from which the two-sided normal p-value is below ``level``."""
    return float(sps.norm.isf(level / 2))


# -- importance sampling ------------------------------------------------------------------------

#: ``(law, dtype)``: one output's law and dtype; a family's draws serve every target of it.
Target = tuple


def pairs_rejection(
    targets: list[Target], n: int, level: float, replicates: int, seed: int = 0, chunk: int = 250
) -> list[tuple[float, float]]:
    """``(P(reject), its standard error)`` of the correlation test at ``level`` between two
    independent outputs of ``n`` values, for each ``(law, dtype)`` of ``targets`` (laws of
    one family: the same standardised draws, weights and seed serve all)."""
    family = _one_family(targets)
    theta = math.tanh(critical_z(level) / math.sqrt(n - 3))

    def draw(rng, rows, sign):
        ya = family.tilted(rng, np.zeros((rows, n)))
        s = sign * theta * ya
        yb = family.tilted(rng, s)
        return (ya, yb), (family.log_mgf(s) - s * yb).sum(axis=1)

    return _estimate(targets, level, replicates, seed, chunk, draw, lambda ya, yb: (ya, yb))


def lag_rejection(
    targets: list[Target],
    chains: int,
    length: int,
    level: float,
    replicates: int,
    seed: int = 0,
    chunk: int = 64,
) -> list[tuple[float, float]]:
    """``(P(reject), its standard error)`` of the lag-1 correlation test at ``level`` of
    ``chains`` independent sequences of ``length`` values (the rows, or the columns, of
    an output), pooled as ``test_independence`` pools them, for each ``(law, dtype)``."""
    family = _one_family(targets)
    theta = math.tanh(critical_z(level) / math.sqrt(chains * (length - 1) - 3))

    def draw(rng, rows, sign):
        y = np.empty((rows, chains, length))
        y[:, :, 0] = family.tilted(rng, np.zeros((rows, chains)))
        log_w = np.zeros(rows)
        for t in range(length - 1):
            s = sign * theta * y[:, :, t]
            y[:, :, t + 1] = family.tilted(rng, s)
            log_w += (family.log_mgf(s) - s * y[:, :, t + 1]).sum(axis=1)
        return (y,), log_w

    def pairs(x):
        rows = x.shape[0]
        return x[:, :, :-1].reshape(rows, -1), x[:, :, 1:].reshape(rows, -1)

    return _estimate(targets, level, replicates, seed, chunk, draw, pairs)


def _one_family(targets: list[Target]) -> Family:
    (family,) = {family_of(law) for law, _ in targets}
    return family


def _estimate(targets, level, replicates, seed, chunk, draw, pairs):
    """Both sides of the two-sided test, each with its own tilt (``sign``): the mean of the
    weights of the replicates that reject on that side, per target, and its standard error."""
    z_c = critical_z(level)
    rng = np.random.default_rng(seed)
    total, square = np.zeros(len(targets)), np.zeros(len(targets))
    for sign in (1.0, -1.0):
        weights: list[list[np.ndarray]] = [[] for _ in targets]
        for start in range(0, replicates, chunk):
            drawn, log_w = draw(rng, min(chunk, replicates - start), sign)
            w = np.exp(log_w)
            for i, (law, dtype) in enumerate(targets):
                z = fisher_z(*pairs(*(in_dtype(law, y, dtype) for y in drawn)))
                weights[i].append(np.where(sign * z > z_c, w, 0.0))
        for i, parts in enumerate(weights):
            w = np.concatenate(parts)
            total[i] += w.mean()
            square[i] += w.var(ddof=1) / w.size
    return [(float(p), float(math.sqrt(v))) for p, v in zip(total, square, strict=True)]


class SymmetricCells:
    """A partition of a symmetric standardised law: ``count - 2`` cells of equal width over
    ``±reach`` and one cell beyond each end (dropped where the law has no mass there).
    Each cell is drawn from by the law's quantile function within it, the upper half's
    through its mirror image in the lower half, where the quantiles are precise (a normal's
    tail beyond 8 std has probabilities float64 cannot tell from 1)."""

    def __init__(self, family: Family, count: int):
        edges = np.linspace(-family.reach, family.reach, count - 1)
        low = np.concatenate([[-np.inf], edges])
        high = np.concatenate([edges, [np.inf]])
        mirror = low >= 0  # the cell [a, b] drawn as -y, y in [-b, -a]
        self.left = family.cdf(np.where(mirror, -high, low))
        mass = family.cdf(np.where(mirror, -low, high)) - self.left
        keep = mass > 0
        self.family, self.mirror = family, mirror[keep]
        self.left, self.mass = self.left[keep], mass[keep]
        self.log_mass, self.count = np.log(self.mass), int(keep.sum())

    def draw(self, cell: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Values of the law in the cells ``cell``, ``v`` uniform on [0, 1) (the same shape)."""
        y = self.family.quantile(self.left[cell] + v * self.mass[cell])
        return np.where(self.mirror[cell], -y, y)

    def inner(self, points: int) -> np.ndarray:
        """``points`` quantiles evenly spaced within each cell (cells × points)."""
        v = (np.arange(points) + 0.5) / points
        return self.draw(np.arange(self.count)[:, None], v[None, :])


def moments_statistic(x: np.ndarray, law) -> np.ndarray:
    """``stats.skewness_kurtosis``'s statistic (the larger ``|z|`` of its two normal
    scores) for each row of ``x`` (replicates × n)."""
    z3, z4 = conformance_stats.shape_scores(x - law.mean, law)
    return np.maximum(np.abs(z3), np.abs(z4))


def _moments_tilts(law, cells_of: SymmetricCells, n: int, critical: float) -> np.ndarray:
    """The 4 tilts' log masses of the cells (tilts × cells): ``±h3`` and ``±h4``, each
    tilted so that the sum's mean is at its critical value (``critical`` for ``z3``;
    ``S4``'s own, of its Pearson III law, for ``z4``). The terms are scale-free: one law
    of the family serves all."""
    (_, var3, _), (mean4, var4, third4) = conformance_stats.shape_moments(law)
    m2, m4, _ = conformance_stats.central_moments(law)
    y = cells_of.inner(16) * math.sqrt(m2)  # 16 quantiles of each cell, in law units, centred
    h3 = ((y**3 - 3 * m2 * y) / math.sqrt(var3)).mean(axis=1)
    h4 = ((y**4 - 2 * m4 / m2 * y**2 - mean4) / math.sqrt(var4)).mean(axis=1)
    terms = np.stack([h3, -h3, h4, -h4])
    tail = sps.norm.sf(critical)
    null = sps.pearson3(third4 / var4**1.5 / math.sqrt(n))
    radius = np.array([[critical], [critical], [null.isf(tail)], [-null.ppf(tail)]])
    low, high = np.zeros((len(terms), 1)), 4 * radius / math.sqrt(n)
    for _ in range(60):  # each tilt's mean of the sum at its radius (bisection)
        t = (low + high) / 2
        log_pi = t * terms + cells_of.log_mass
        log_pi -= special.logsumexp(log_pi, axis=1, keepdims=True)
        reached = math.sqrt(n) * (np.exp(log_pi) * terms).sum(axis=1, keepdims=True) >= radius
        low, high = np.where(reached, low, t), np.where(reached, t, high)
    return log_pi


def moments_rejection(
    targets: list[Target],
    n: int,
    level: float,
    replicates: int,
    cells: int = 8192,
    seed: int = 0,
    chunk: int = 4,
) -> list[tuple[float, float]]:
    """``(P(reject), its standard error)`` of the skewness-kurtosis test at ``level`` on
    ``n`` values (it rejects where ``|z3|`` or ``|z4|`` passes ``z_c``, the normal
    quantile of ``level/4``), for each ``(law, dtype)`` of ``targets`` (one family).

    Its two scores are sums of per-value terms ``h3(y)``, ``h4(y)`` (standardised). The
    proposal is a mixture of 4 tilts, one per side of each score: each value drawn from
    the law tilted by ``exp(±t·h)``, ``t`` such that the sum's mean is at ``z_c``: the
    value's cell (:class:`SymmetricCells`) is drawn with the tilted masses ``π`` (of the
    term's mean in the cell), and within its cell from the law itself. So a sample's
    likelihood ratio to the law is exactly ``Π_values π(cell)/mass(cell)`` for each tilt,
    and its weight the inverse of their mean (no truncation of the law's tails)."""
    family = _one_family(targets)
    cells_of = SymmetricCells(family, cells)
    critical = float(sps.norm.isf(level / 4))
    log_pi = _moments_tilts(targets[0][0], cells_of, n, critical)
    directions = len(log_pi)
    cumulative = np.cumsum(np.exp(log_pi), axis=1)
    log_ratio = (log_pi - cells_of.log_mass).T
    rng = np.random.default_rng(seed)
    weights: list[list[np.ndarray]] = [[] for _ in targets]
    for start in range(0, replicates, chunk):
        rows = min(chunk, replicates - start)
        which = rng.integers(directions, size=rows)
        cell = np.stack(
            [
                np.minimum(np.searchsorted(cumulative[k], rng.random(n)), cells_of.count - 1)
                for k in which
            ]
        )
        counts = np.stack([np.bincount(c, minlength=cells_of.count) for c in cell]).astype(
            np.float64
        )
        log_w = math.log(directions) - special.logsumexp(counts @ log_ratio, axis=1)
        standard = cells_of.draw(cell, rng.random(cell.shape))
        for i, (law, dtype) in enumerate(targets):
            reject = moments_statistic(in_dtype(law, standard, dtype), law) > critical
            weights[i].append(np.where(reject, np.exp(log_w), 0.0))
    found = []
    for parts in weights:
        w = np.concatenate(parts)
        found.append((float(w.mean()), float(w.std(ddof=1) / math.sqrt(w.size))))
    return found


def exact_pairs_rejection(n: int, level: float) -> float:
    """For normal values (continuous): ``P(|Fisher z| > z_c)`` under the exact law of the
    correlation of ``n`` independent pairs, ``r² ~ Beta(1/2, (n - 2)/2)``."""
    r_c = math.tanh(critical_z(level) / math.sqrt(n - 3))
    return float(sps.beta.sf(r_c * r_c, 0.5, (n - 2) / 2))


# -- the suite's correlation families -------------------------------------------------------------


def families(alpha: float) -> list[dict]:
    """Every correlation family of a default run against the reference, with its members:
    ``{"test", "identifier", "members": [{"what", "dtype", "level", "count", ...}]}``."""
    out = []
    rows, cols = fixed_cases.INDEPENDENCE_SHAPE
    for identifier in ELEMENTWISE:
        law = reference.make(identifier, {}).law(fixed_cases.INDEPENDENCE_SHAPE)
        for what, chains, length in (("rows", rows, cols), ("columns", cols, rows)):
            out.append(
                {
                    "test": f"test_independence[{identifier}] lag 1 along {what}",
                    "identifier": identifier,
                    "law": law,
                    "members": [
                        {
                            "kind": "lag",
                            "dtype": d,
                            "chains": chains,
                            "length": length,
                            "level": alpha / len(DTYPES),
                            "count": 1,
                        }
                        for d in DTYPES
                    ],
                }
            )
    pairs = len(fixed_cases.SEED_PAIRS)
    n = math.prod(fixed_cases.PAIR_SHAPE)
    for identifier in ELEMENTWISE:
        law = reference.make(identifier, {}).law(fixed_cases.PAIR_SHAPE)
        out.append(
            {
                "test": f"test_seed_distinct_independent[{identifier}] correlation",
                "identifier": identifier,
                "law": law,
                "members": [
                    {
                        "kind": "pairs",
                        "dtype": d,
                        "n": n,
                        "level": alpha / (pairs * len(DTYPES)),
                        "count": pairs,
                    }
                    for d in DTYPES
                ],
            }
        )
    return out


def compute(alpha: float, replicates: dict[str, int]) -> dict:
    """Each family's rejection probability (the sum of its members'), with its standard
    error. The members that share a kind, a standardised family, a shape and a level are
    computed from one set of draws (common random numbers)."""
    groups: dict[tuple, list[Target]] = {}
    for fam in families(alpha):
        for m in fam["members"]:
            key = _group(fam["law"], m)
            if (fam["law"], m["dtype"]) not in groups.setdefault(key, []):
                groups[key].append((fam["law"], m["dtype"]))
    results: dict[tuple, tuple[float, float]] = {}
    for (kind, family, size, level), targets in groups.items():
        if kind == "pairs":
            found = pairs_rejection(targets, size[0], level, replicates["pairs"])
        else:
            found = lag_rejection(targets, size[0], size[1], level, replicates["lag"])
        for target, (p, se) in zip(targets, found, strict=True):
            results[(kind, family, size, level, *target)] = (p, se)
        print(
            f"{kind} {family} {size}: {len(targets)} laws and dtypes, up to "
            f"{max(p for p, _ in found) / level:.3f}x the level",
            flush=True,
        )
    table = {}
    for fam in families(alpha):
        total, error, members = 0.0, 0.0, []
        for m in fam["members"]:
            p, se = results[(*_group(fam["law"], m), fam["law"], m["dtype"])]
            total += m["count"] * p
            error += m["count"] * se  # common random numbers: the errors add (a bound)
            members.append(
                {
                    "dtype": m["dtype"],
                    "level": m["level"],
                    "count": m["count"],
                    "rejection": p,
                    "se": se,
                }
            )
        table[fam["test"]] = {
            "identifier": fam["identifier"],
            "law": repr(fam["law"]),
            "alpha": alpha,
            "rejection": total,
            "se": error,
            "members": members,
        }
    return table


def moments_families(alpha: float, replicates: int) -> dict:
    """test_moments' skewness-kurtosis family, per element-wise initializer: each dtype's
    test at ``alpha / 4`` (float32: 524,288 values; the others: 131,072), computed by
    :func:`moments_rejection`, summed (Bonferroni's bound of the family)."""
    sizes = {
        d: math.prod(fixed_cases.STRUCTURE_SHAPE)
        * (fixed_cases.STRUCTURE_CALLS if d == "float32" else fixed_cases.OTHER_CALLS)
        for d in DTYPES
    }
    level = alpha / len(DTYPES)
    laws_of = {i: reference.make(i, {}).law(fixed_cases.STRUCTURE_SHAPE) for i in ELEMENTWISE}
    groups: dict[tuple, list[Target]] = {}
    for law in laws_of.values():
        for d in DTYPES:
            groups.setdefault((family_of(law).name, sizes[d]), []).append((law, d))
    found = {}
    for (family, n), targets in groups.items():
        estimates = moments_rejection(targets, n, level, replicates)
        found.update(zip(targets, estimates, strict=True))
        print(
            f"moments {family} n={n}: {len(targets)} laws and dtypes, up to "
            f"{max(p for p, _ in estimates) / level:.3f}x the level",
            flush=True,
        )
    table = {}
    for identifier, law in laws_of.items():
        members = [
            {"dtype": d, "level": level, "count": 1, "n": sizes[d], "rejection": p, "se": se}
            for d in DTYPES
            for p, se in [found[(law, d)]]
        ]
        table[f"test_moments[{identifier}] skewness and kurtosis"] = {
            "identifier": identifier,
            "law": repr(law),
            "alpha": alpha,
            "rejection": sum(m["rejection"] for m in members),
            "se": sum(m["se"] for m in members),  # common random numbers: a bound
            "members": members,
        }
    return table


def _group(law, member: dict) -> tuple:
    size = (member["n"],) if member["kind"] == "pairs" else (member["chains"], member["length"])
    return member["kind"], family_of(law).name, size, member["level"]


# -- the Poisson counts of coinciding values (test_repeats, test_float64_precision) -------------
#
# Both tests reject where a count of rare events reaches the critical count ``k_c`` of a
# Poisson law of the events' *upper bound* (any conforming generator's). Their rejection
# probability for a given implementation is bounded, not sampled:
#
# * test_repeats (coinciding pairs among n float32 values, ``X = Σ_v C(N_v, 2)``): the
#   count only grows with the number of values, so with ``N' ~ Poisson(n)`` (at least n with
#   probability >= 1/2) ``P(X >= k) <= 2·P(X' >= k)``, where ``X'``'s counts ``N'_v`` are
#   independent Poisson(n·p_v). Beyond ``m`` values on one atom (probability at most
#   ``n^(m+1)/(m+1)!·p_max^(m-1)·q``), each term is at most ``C(m, 2)``, and Bernstein's
#   inequality bounds the sum's tail from its mean ``n²q/2`` and variance
#   ``Σ Var C(N'_v, 2) = Σ (μ_v³ + μ_v²/2)`` (``μ_v = n·p_v``), with ``q = Σ p_v²`` each
#   implementation's collision probability (measured on 2^22 of its float32 values) and
#   ``p_max`` an upper bound of its largest atom;
# * test_float64_precision (float32 numbers ``A`` plus coinciding pairs ``B`` among n float64
#   values, the reference's own in all three implementations): ``A`` is binomial (the
#   values are independent), ``B`` at most its factorial moments; ``P(A + B >= k) <=
#   Σ_j min(P(A >= k - j), P(B >= j))``.


def collision_probability(values: np.ndarray, batches: int = 8) -> tuple[float, float]:
    """``(q, its standard error)``: the fraction of coinciding pairs among ``values``, the
    unbiased estimate of ``Σ p_v²``, in ``batches`` parts (the error from their spread)."""
    parts = []
    for part in np.array_split(np.ravel(values), batches):
        _, counts = np.unique(part, return_counts=True)
        pairs = float(np.sum(counts.astype(np.float64) * (counts - 1) / 2))
        parts.append(pairs / (part.size * (part.size - 1) / 2))
    return float(np.mean(parts)), float(np.std(parts, ddof=1) / math.sqrt(batches))


def poisson_critical(expected: float, alpha: float) -> int:
    """The smallest count ``k`` whose Poisson tail ``P(K >= k)`` is below ``alpha``."""
    k = int(sps.poisson.isf(alpha, expected))
    while k > 0 and sps.poisson.sf(k - 2, expected) < alpha:
        k -= 1
    while sps.poisson.sf(k - 1, expected) >= alpha:
        k += 1
    return k


def pairs_tail_bound(n: int, q: float, p_max: float, k: int) -> float:
    """An upper bound of ``P(X >= k)``, ``X`` the coinciding pairs among ``n`` independent
    values of collision probability ``q`` and largest atom ``p_max`` (the comment above)."""
    mean = n * n * q / 2
    # Σ μ³ + μ²/2 <= n³·p_max·q + n²q/2; the variance of the truncated terms is smaller
    variance = n**3 * p_max * q + mean
    best = 1.0
    for m in range(3, 200):
        log_atoms = (
            (m + 1) * math.log(n) - math.lgamma(m + 2) + (m - 1) * math.log(p_max) + math.log(q)
        )
        t, b = k - mean, m * (m - 1) / 2
        bernstein = math.exp(-t * t / (2 * (variance + b * t / 3))) if t > 0 else 1.0
        best = min(best, 2 * (math.exp(min(log_atoms, 0.0)) + bernstein))
    return best


def largest_atom(law, dtype: str = "float32") -> float:
    """An upper bound of the largest probability of one output value: a value's cell is at
    most 4 ulps of the largest magnitude the law reaches (a rounding cell, merged by the
    arithmetic) or 4 steps of a generator's grid of the dtype's eps (2^-23 in float32), at
    the law's largest density, times 4."""
    reach = rounding.arithmetic_scale(law) + 6 * law.std
    density = float(law.dist.pdf(law.mean))
    ulp = resolution.ulp(reach, dtype)
    return min(1.0, 4 * max(4 * ulp * density, 4 * resolution.epsilon(dtype)))


def repeats_families(alpha: float, draws: int = 1 << 22) -> dict:
    """test_repeats: per element-wise initializer, the bound of its rejection probability
    for each implementation of the audit (``calibration.IMPLS``), with the measured ``q``."""
    from initializer_conformance.adapters.conforming import JaxLikeFloat32, TorchLikeFloat32
    from initializer_conformance.adapters.reference_numpy import ReferenceAdapter

    impls = {
        "reference": ReferenceAdapter(),
        "torch-like": TorchLikeFloat32(),
        "jax-like": JaxLikeFloat32(),
    }
    n = fixed_cases.STRUCTURE_CALLS * math.prod(fixed_cases.STRUCTURE_SHAPE)
    side = math.isqrt(draws)
    table = {}
    for identifier in ELEMENTWISE:
        law = reference.make(identifier, {}).law(fixed_cases.STRUCTURE_SHAPE)
        bound = resolution.repeat_bound(law, "float32")
        k = poisson_critical(n * (n - 1) / 2 * bound, alpha)
        p_max = largest_atom(law)
        rows = {}
        for name, impl in impls.items():
            out = impl.make(identifier, {"seed": 12345})((side, side), "float32")
            q, se = collision_probability(np.asarray(out))
            q_high = q + 4 * se  # the bound at the measurement's upper end
            rows[name] = {
                "q": q,
                "q_se": se,
                "rejection": pairs_tail_bound(n, q_high, p_max, k),
            }
        table[f"test_repeats[{identifier}]"] = {
            "identifier": identifier,
            "alpha": alpha,
            "n": n,
            "q_bound": bound,
            "critical": k,
            "p_max": p_max,
            "implementations": rows,
            "rejection": max(r["rejection"] for r in rows.values()),
            "se": 0.0,
        }
        print(
            f"test_repeats[{identifier}]: k_c = {k} ({n * n / 2 * bound:.4g} expected at "
            f"the bound), q = "
            + ", ".join(f"{r['q']:.3g}" for r in rows.values())
            + f": rejection <= {table[f'test_repeats[{identifier}]']['rejection']:.3g}",
            flush=True,
        )
    return table


def precision_families(alpha: float) -> dict:
    """test_float64_precision: per element-wise initializer, the bound of its rejection
    probability (float64 outputs are the reference's in every implementation)."""
    n = fixed_cases.FLOAT64_CALLS * math.prod(fixed_cases.STRUCTURE_SHAPE)
    table = {}
    for identifier in ELEMENTWISE:
        law = reference.make(identifier, {}).law(fixed_cases.STRUCTURE_SHAPE)
        p32_bound = resolution.narrower_bound(law, "float64", "float32")
        q_bound = resolution.repeat_bound(law, "float64")
        k = poisson_critical(n * p32_bound + n * (n - 1) / 2 * q_bound, alpha)
        p32 = resolution.narrower_probability(law, "float64", "float32")
        q64 = resolution.collision_probability(law, "float64")
        pairs = n * (n - 1) / 2 * q64  # E[B]
        # E[C(B, 2)]: two disjoint pairs, or two pairs sharing a value (at most p_max·q64)
        pairs_of_pairs = pairs * pairs / 2 + n**3 / 2 * largest_atom(law, "float64") * q64
        b_tail = [1.0, min(1.0, pairs)] + [min(1.0, pairs_of_pairs)] * (k - 1)  # P(B >= j)
        rejection = sum(
            min(float(sps.binom.sf(k - j - 1, n, p32)), b_tail[j]) for j in range(k + 1)
        )
        table[f"test_float64_precision[{identifier}]"] = {
            "identifier": identifier,
            "alpha": alpha,
            "n": n,
            "critical": k,
            "p32": p32,
            "q64": q64,
            "rejection": rejection,
            "se": 0.0,
        }
        print(
            f"test_float64_precision[{identifier}]: k_c = {k}, p32 = {p32:.3g}, "
            f"q64 = {q64:.3g}: rejection <= {rejection:.3g}",
            flush=True,
        )
    return table


# -- the transitions' chi-square (test_serial_dependence) ---------------------------------------


def transitions_rejection(
    chains: int,
    length: int,
    bins: int,
    levels: list[float],
    replicates: int,
    seed: int = 0,
    batch_chains: int = 1024,
    aim: float = 0.9,
) -> dict[float, tuple[float, float]]:
    """``{level: (rejection, standard error)}`` of Anderson and Goodman's chi-square
    (``stats.transitions_chisquare``) on ``chains`` independent sequences of ``length``
    i.i.d. codes uniform on ``0 .. bins - 1``: the exact null of test_serial_dependence,
    whose codes are those of the randomised PIT in every law and dtype.

    Importance sampling: each replicate draws a transition matrix ``Q`` whose rows are
    Dirichlet of parameter ``a`` in every cell, then its chains from ``Q`` (the first
    code uniform). Integrating ``Q`` out, a sequence's probability under this proposal is
    ``Π_i B(a + N_i·) / B(a)`` (``N`` the table of transitions, ``B`` the multivariate
    beta function), and under the null ``bins^-Σ N``: the weight, exact, depends on the
    table alone. ``a`` is set so that the proposal's statistic is about the critical
    value of the middle level, times ``aim`` (a random ``Q`` inflates each row's chi-square by
    ``1 + n_i / (bins·a + 1)``)."""
    rng = np.random.default_rng(seed)
    df = (bins - 1) ** 2
    critical = aim * float(sps.chi2.isf(float(np.median(levels)), df))
    from_each = chains * (length - 1) / bins
    a = max((from_each / (critical / df - 1) - 1) / bins, 1.0)
    per_batch = max(1, batch_chains // chains)
    weighted = {level: [] for level in levels}
    done = 0
    while done < replicates:
        r = min(per_batch, replicates - done)
        tables = _dirichlet_chains(rng, r, chains, length, bins, a)
        log_weight = _null_over_proposal(tables, a)
        for k in range(r):
            cells, _, kept = conformance_stats.transitions_chisquare(tables[k])
            statistic = float(cells.sum())
            kept_df = (kept.shape[0] - 1) * (kept.shape[1] - 1)
            p = float(sps.chi2.sf(statistic, kept_df))
            for level in levels:
                weighted[level].append(math.exp(log_weight[k]) if p < level else 0.0)
        done += r
    return {
        level: (float(np.mean(w)), float(np.std(w) / math.sqrt(len(w))))
        for level, w in weighted.items()
    }


def _dirichlet_chains(rng, r: int, chains: int, length: int, bins: int, a: float) -> np.ndarray:
    """The tables of transitions ``(r, bins, bins)`` of ``r`` replicates, each of ``chains``
    chains of ``length`` codes from a transition matrix whose rows are Dirichlet(a)."""
    q = rng.dirichlet(np.full(bins, a), size=(r, bins))  # (replicate, from, to)
    cumulative = np.cumsum(q, axis=2)
    cumulative[..., -1] = 1.0
    owner = np.repeat(np.arange(r), chains)
    codes = np.empty((r * chains, length), dtype=np.int8)
    codes[:, 0] = rng.integers(0, bins, r * chains)
    for t in range(1, length):
        rows = cumulative[owner, codes[:, t - 1]]
        codes[:, t] = (rng.random((r * chains, 1)) > rows).sum(axis=1)
    tables = np.zeros((r, bins * bins), dtype=np.int64)
    for k in range(r):
        c = codes[k * chains : (k + 1) * chains].astype(np.int64)
        tables[k] = np.bincount((c[:, :-1] * bins + c[:, 1:]).ravel(), minlength=bins * bins)
    return tables.reshape(r, bins, bins)


def _null_over_proposal(tables: np.ndarray, a: float) -> np.ndarray:
    """The log of each table's weight: ``bins^-ΣN`` (uniform codes) over
    ``Π_i B(a + N_i·) / B(a)`` (the Dirichlet rows integrated out)."""
    bins = tables.shape[-1]
    return -tables.sum(axis=(1, 2)) * math.log(bins) + np.sum(
        bins * special.gammaln(a)
        - special.gammaln(bins * a)
        - special.gammaln(a + tables).sum(axis=2)
        + special.gammaln(bins * a + tables.sum(axis=2)),
        axis=1,
    )


def transitions_families(alpha: float, replicates: int) -> dict:
    """test_serial_dependence's family, per element-wise initializer: rows and columns in
    each dtype, each at ``alpha / 8`` (float32: 4 sequences of 131,072 codes, each output
    flattened; the others: 1), computed by :func:`transitions_rejection`, summed
    (Bonferroni's bound). The codes are uniform and independent under every law and dtype:
    one computation per shape serves every initializer."""
    length = math.prod(fixed_cases.STRUCTURE_SHAPE)
    level = alpha / (2 * len(DTYPES))
    chains = {
        d: fixed_cases.STRUCTURE_CALLS if d == "float32" else fixed_cases.OTHER_CALLS
        for d in DTYPES
    }
    found = {}
    for k in sorted(set(chains.values())):
        found[k] = transitions_rejection(k, length, 8, [level], replicates, seed=k)[level]
        print(
            f"transitions {k} x {length}: {found[k][0] / level:.3f}x the level "
            f"(± {found[k][1] / level:.3f})",
            flush=True,
        )
    members = [
        {
            "dtype": d,
            "along": along,
            "level": level,
            "count": 1,
            "chains": chains[d],
            "length": length,
            "rejection": found[chains[d]][0],
            "se": found[chains[d]][1],
        }
        for d in DTYPES
        for along in ("rows", "columns")
    ]
    return {
        f"test_serial_dependence[{identifier}] chi-square of transitions": {
            "identifier": identifier,
            "alpha": alpha,
            "rejection": sum(m["rejection"] for m in members),
            "se": shared_estimates_se(members),
            "members": members,
        }
        for identifier in ELEMENTWISE
    }


def shared_estimates_se(members: list[dict]) -> float:
    """The standard error of the members' sum where members of one shape share one
    estimate (their errors add, not in quadrature); the shapes' estimates are independent."""
    by_shape: dict[int, float] = {}
    for m in members:
        by_shape[m["chains"]] = by_shape.get(m["chains"], 0.0) + m["se"]
    return math.sqrt(sum(se**2 for se in by_shape.values()))


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {}


#: The parts of the table, each recomputed on its own (``--parts``).
PARTS = ("families", "counts", "moments", "transitions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs-replicates", type=int, default=20_000)
    parser.add_argument("--lag-replicates", type=int, default=2_000)
    parser.add_argument("--moments-replicates", type=int, default=4_000)
    parser.add_argument("--transitions-replicates", type=int, default=6_000)
    parser.add_argument(
        "--parts", nargs="+", choices=PARTS, default=PARTS, help="recompute these, keep the rest"
    )
    args = parser.parse_args()
    alpha = runs.FIXED_ALPHA
    stored = load()
    replicates = stored.setdefault("replicates", {})
    if "counts" in args.parts:
        stored["counts"] = {**precision_families(alpha), **repeats_families(alpha)}
    if "families" in args.parts:
        replicates.update(pairs=args.pairs_replicates, lag=args.lag_replicates)
        stored["families"] = compute(
            alpha, {"pairs": args.pairs_replicates, "lag": args.lag_replicates}
        )
    if "moments" in args.parts:
        replicates["moments"] = args.moments_replicates
        stored["moments"] = moments_families(alpha, args.moments_replicates)
    if "transitions" in args.parts:
        replicates["transitions"] = args.transitions_replicates
        stored["transitions"] = transitions_families(alpha, args.transitions_replicates)
    for part in ("families", "moments", "transitions"):
        for test, row in stored.get(part, {}).items():
            if part in args.parts:
                print(
                    f"{row['rejection'] / row['alpha']:.3f}x alpha "
                    f"(± {row['se'] / row['alpha']:.3f}): {test}"
                )
    RESULTS.write_text(json.dumps(stored, indent=1) + "\n")


if __name__ == "__main__":
    main()
