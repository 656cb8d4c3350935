"""Tests of dependence between two outputs, beyond linear correlation; and families of tests.

``stats.correlation`` (Pearson) sees a linear relation between paired values. Two
outputs of distinct seeds can be dependent without one:

* they can *share values*: the streams of the two seeds overlap (``seed // 2`` seeds the
  generator and ``seed % 2`` offsets it, or a counter-based generator takes the seed as
  the counter's start), so that one output is the other shifted by some elements. Paired
  by index, the values are then independent (``a[i]`` against ``a[i + 1]``), and neither
  a correlation nor any test of the pairs sees it; :func:`shared_values` does;
* they can be related by a non-monotone function (a seed that only rotates a uniform
  stream, ``u' = frac(u + c)``, has zero correlation at ``c = (3 - √3)/6``);
  :func:`rank_table` (the most unbalanced cell of the table of rank octiles) does.

And within one output: :func:`repeated_windows` finds a block of values that occurs twice
at any offset (a counter or key that repeats in a large output).

These are the suite's own helpers (``stats.py`` belongs to another change); every test
returns a :class:`~initializer_conformance.conformance.stats.Verdict`, never asserts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import special
from scipy import stats as scipy_stats

from .stats import Verdict

#: Octiles: a table of 8 x 8 cells, each expecting 64 of 4096 pairs.
RANK_BINS = 8


def rank_table(a: np.ndarray, b: np.ndarray, alpha: float, what: str) -> Verdict:
    """Test of independence of paired values on their table of rank octiles: the most
    unbalanced cell, by its exact hypergeometric tail, Bonferroni over the cells.

    Each output is cut at its own octiles (by rank: ties broken by position), so the
    margins are fixed and only the pairing is tested, whatever the law of either output
    (a wrong law is ``test_law``'s finding, not this one's). Given the margins, the count
    of a cell is hypergeometric under independence: its two-sided tail is exact, and the
    smallest tail of the 64 cells, times 64, is a conservative p-value, with no
    approximation to hold at the fixed tier's alpha. (Pearson's chi-square of the same
    table relies on one, which fails there: measured on 3·10^6 random pairings, its
    chi-square(49) tail held to 1e-4, but 41 p-values fell below 1e-5 where 30 were
    expected, and 7 below 1e-6 where 3 were; this test's: 6 and 0 of the last 10^6,
    benchmarks/results/calls_and_seeds.md.) A function of the other output, monotone or
    not, empties some cells and piles the pairs in others. The effect: the worst cell, and
    Cramér's V of the table (0: independent, 1: one output a function of the other).
    """
    a, b = np.ravel(a), np.ravel(b)
    n, k = a.size, RANK_BINS
    ia = _ranks(a) * k // n
    ib = _ranks(b) * k // n
    table = np.bincount(ia * k + ib, minlength=k * k).reshape(k, k)
    rows, cols = np.meshgrid(table.sum(axis=1), table.sum(axis=0), indexing="ij")
    tails, sd = np.empty(table.shape), np.empty(table.shape)
    for r, c in set(zip(rows.ravel().tolist(), cols.ravel().tolist(), strict=True)):
        cells = (rows == r) & (cols == c)  # margins differ by 1 at most: 4 laws at most
        low, two_sided = hypergeometric_tails(n, r, c)
        tails[cells] = two_sided[table[cells] - low]
        sd[cells] = math.sqrt(r * c * (n - r) * (n - c) / (n * n * (n - 1)))
    worst = np.unravel_index(int(np.argmin(tails)), table.shape)
    expected = rows * cols / n
    x2 = float(np.sum((table - expected) ** 2 / expected))
    z = (table - expected) / sd
    return Verdict(
        f"hypergeometric, rank octiles ({what})",
        float(z[worst]),
        min(1.0, float(tails[worst]) * table.size),
        alpha,
        n,
        f"cell {tuple(int(i) for i in worst)} holds {int(table[worst])} pairs (expected "
        f"{expected[worst]:.1f}); Cramér's V = {np.sqrt(x2 / (n * (k - 1))):.4f}",
    )


def hypergeometric_tails(n: int, r: int, c: int) -> tuple[int, np.ndarray]:
    """``(low, p)``: ``p[x - low]`` is the exact two-sided tail ``min(1, 2·min(P(X <= x),
    P(X >= x)))`` of a count ``X`` ~ Hypergeometric (``r`` draws from ``n``, ``c`` marked)
    for every possible ``x`` from ``low`` on; from the log-pmf (scipy's ``hypergeom`` is
    about 100 times slower, and agrees: tests/test_dependence.py)."""
    low, high = max(0, r + c - n), min(r, c)
    k = np.arange(low, high + 1, dtype=np.float64)
    log_pmf = _log_choose(c, k) + _log_choose(n - c, r - k) - float(_log_choose(n, np.float64(r)))
    pmf = np.exp(log_pmf)
    below, above = np.cumsum(pmf), np.cumsum(pmf[::-1])[::-1]
    return low, np.minimum(1.0, 2 * np.minimum(below, above))


def _log_choose(n, k):
    return special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)


def _ranks(x: np.ndarray) -> np.ndarray:
    ranks = np.empty(x.size, dtype=np.int64)
    ranks[np.argsort(x, kind="stable")] = np.arange(x.size)
    return ranks


def shared_values(a: np.ndarray, b: np.ndarray, alpha: float, what: str) -> Verdict:
    """One-sided test of an excess of values common to two outputs.

    Two independent draws of a continuous law coincide only where the dtype rounds them
    to the same representable value, with a probability ``q`` that depends on the law,
    the dtype and the generator's grid (about 2e-8 for float32 normals, 2^-24 for
    torch's float32 uniforms). ``q`` is not needed: every pair of the ``n_a + n_b``
    values coincides with the same probability under independence, so of the ``T``
    coinciding pairs (within ``a``, within ``b`` and across) the number across is
    Binomial(T, p) with ``p = n_a·n_b / C(n_a + n_b, 2)`` (about 1/2), conditionally on
    ``T`` (rare coincidences: Poisson counts). Overlapping streams put about ``n`` pairs
    across and none within: p-value about ``2^-n``.
    """
    a, b = np.ravel(a), np.ravel(b)
    na, nb = a.size, b.size
    _, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    ca = np.bincount(inverse[:na], minlength=int(inverse.max()) + 1 if inverse.size else 0)
    cb = np.bincount(inverse[na:], minlength=ca.size)
    across = int(np.sum(ca * cb))
    within = int(np.sum(ca * (ca - 1) // 2) + np.sum(cb * (cb - 1) // 2))
    total = across + within
    p = na * nb / ((na + nb) * (na + nb - 1) / 2)
    pvalue = float(scipy_stats.binom.sf(across - 1, total, p)) if across > 0 else 1.0
    common = int(np.count_nonzero(ca[inverse[na:]] > 0))
    return Verdict(
        f"binomial (excess of values shared {what})",
        float(across),
        pvalue,
        alpha,
        na + nb,
        f"{common} of {nb} values of the second output occur in the first; {across} "
        f"coinciding pairs across the outputs, {within} within them (expected across: "
        f"{total * p:.3g})",
    )


def overlap(a: np.ndarray, b: np.ndarray) -> str:
    """How ``b`` repeats ``a``, in words: the most common offset between the positions of
    the values they share (``b[i] = a[i + k]``), or that they share none."""
    a, b = np.ravel(a), np.ravel(b)
    order = np.argsort(a, kind="stable")
    where = np.searchsorted(a[order], b)
    found = (where < a.size) & (a[order][np.minimum(where, a.size - 1)] == b)
    if not found.any():
        return "they share no value"
    offsets = order[where[found]] - np.flatnonzero(found)
    values, counts = np.unique(offsets, return_counts=True)
    k, count = int(values[np.argmax(counts)]), int(counts.max())
    where_ = "at the same positions" if k == 0 else f"as b[i] = a[i{k:+d}] (shifted by {abs(k)})"
    return f"{int(found.sum())} of {b.size} values are shared, {count} of them {where_}"


def family(verdicts: Sequence[tuple[str, Verdict]], alpha: float, what: str) -> Verdict:
    """One test of a family of tests (``(label, verdict)`` each): its smallest p-value
    times the number of tests (Bonferroni), at ``alpha``. So the family spends one test's
    alpha in the ledger, and rejects where any of its tests would at ``alpha / count``;
    the statistic and effect are those of the family's smallest p-value."""
    label, worst = min(verdicts, key=lambda lv: lv[1].pvalue)
    count = len(verdicts)
    return Verdict(
        f"{worst.test.split(' (')[0]} ({what}; smallest p of {count}, Bonferroni)",
        worst.statistic,
        min(1.0, count * worst.pvalue),
        alpha,
        worst.n,
        f"at {label}: {worst.effect}",
    )


#: Consecutive values hashed together: a block repeated anywhere is a repeated window.
WINDOW = 8


def repeated_windows(x: np.ndarray, window: int = WINDOW) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of offsets where ``window`` consecutive values of the
    flattened ``x`` are the same bits (at most 16): a polynomial hash of every window,
    sorted, and the windows of equal hashes compared exactly."""
    bits = np.ascontiguousarray(np.ravel(x)).view(np.uint8)
    words = bits.view(np.uint32 if bits.size % 4 == 0 else np.uint8).astype(np.uint64)
    count = words.size - window + 1
    if count < 2:
        return []
    digest = np.zeros(count, dtype=np.uint64)
    for j in range(window):  # wraps modulo 2^64, as hashes may; in place: 16.8 M values
        digest *= np.uint64(0x9E3779B97F4A7C15)
        digest += words[j : j + count]
    ordered = np.sort(digest)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])[:64]
    pairs = []
    for h in repeated:  # the offsets of each repeated hash, compared exactly
        i, *others = (int(k) for k in np.flatnonzero(digest == h))
        for j in others:
            if np.array_equal(words[i : i + window], words[j : j + window]):
                pairs.append((i, j))
        if len(pairs) >= 16:
            break
    return pairs[:16]
