"""The dependence tests of two outputs (``conformance/dependence.py``), at the extremes:
each rejects the dependence it is for and accepts independent outputs, its null law is
calibrated, and a family of tests is one Bonferroni test."""

import numpy as np
import pytest
from scipy import special
from scipy import stats as scipy_stats

from initializer_conformance.conformance import dependence, stats
from initializer_conformance.conformance.run import FIXED_ALPHA

N = 4096  # the pairs test_seed_distinct_independent compares
ROTATION = (3 - np.sqrt(3)) / 6  # uniforms rotated by it modulo 1: zero linear correlation


def normal32(rng, n=N):
    return rng.standard_normal(n).astype(np.float32).astype(np.float64)


def test_rank_table_accepts_independent_outputs():
    rng = np.random.default_rng(1)
    pvalues = [
        dependence.rank_table(normal32(rng), normal32(rng), 0.01, "").pvalue for _ in range(200)
    ]
    assert min(pvalues) > 1e-4 and np.mean(pvalues) > 0.35  # conservative: often 1


def test_rank_table_is_conservative():
    """Under independence (a random pairing of fixed octiles) the p-value is at least
    uniform (an exact tail, Bonferroni over the cells): 3,000 pairings here,
    benchmarks/calls_and_seeds.py measures 10^6."""
    rng = np.random.default_rng(2)
    a = np.arange(N, dtype=np.float64)
    pvalues = np.array(
        [dependence.rank_table(a, rng.permutation(a), 0.01, "").pvalue for _ in range(3000)]
    )
    assert np.sum(pvalues < 0.01) < 48  # at most 30 expected, + 3 standard deviations
    assert np.sum(pvalues < 0.001) <= 12  # at most 3 expected
    assert np.sum(pvalues < 0.05) > 100  # and close to it (150 expected; measured 145)


@pytest.mark.parametrize("n, r, c", [(4096, 512, 512), (4093, 512, 511), (100, 30, 80)])
def test_hypergeometric_tails_are_scipys(n, r, c):
    low, tails = dependence.hypergeometric_tails(n, r, c)
    x = np.arange(low, min(r, c) + 1)
    law = scipy_stats.hypergeom(n, r, c)
    expected = np.minimum(1, 2 * np.minimum(law.cdf(x), law.sf(x - 1)))
    kept = expected > 1e-300
    assert np.allclose(tails[kept], expected[kept], rtol=1e-9, atol=0)


def test_rank_table_sees_a_function_that_correlation_misses():
    """A rotation of the uniforms modulo 1 has zero linear correlation (the mutant
    SeedRotatedStreams): Pearson passes it at the fixed tier's alpha, the rank table does not."""
    u = np.random.default_rng(3).random(N)
    a, b = u, (u + ROTATION) % 1.0
    assert stats.correlation(a, b, FIXED_ALPHA, "").passed
    verdict = dependence.rank_table(a, b, FIXED_ALPHA, "")
    assert not verdict.passed and "Cramér's V" in verdict.effect
    normal = dependence.rank_table(special.ndtri(a), special.ndtri(b), FIXED_ALPHA, "")
    assert not normal.passed  # the same for the normal law's quantiles (ranks are invariant)


def test_shared_values_accepts_independent_outputs_even_on_a_coarse_grid():
    rng = np.random.default_rng(4)
    assert dependence.shared_values(normal32(rng), normal32(rng), FIXED_ALPHA, "").passed
    # 2^12 levels: about 2,000 coinciding pairs within and across each output, as many as
    # independence implies; the test needs no knowledge of the grid.
    a, b = (rng.integers(0, 2**12, N) / 2**12 for _ in range(2))
    verdict = dependence.shared_values(a, b, FIXED_ALPHA, "")
    assert verdict.passed and verdict.statistic > 1000


@pytest.mark.parametrize("shift", [1, 17, N // 2])
def test_shared_values_sees_overlapping_streams(shift):
    stream = normal32(np.random.default_rng(5), N + shift)
    a, b = stream[:N], stream[shift:]
    verdict = dependence.shared_values(a, b, FIXED_ALPHA, "")
    assert not verdict.passed
    assert f"as b[i] = a[i+{shift}] (shifted by {shift})" in dependence.overlap(a, b)


def test_shared_values_sees_a_small_overlap():
    """100 of 4096 values in common (a stream that overlaps for 2.5 %) is enough."""
    rng = np.random.default_rng(6)
    a, b = normal32(rng), normal32(rng)
    b[:100] = a[-100:]
    assert not dependence.shared_values(a, b, FIXED_ALPHA, "").passed
    assert dependence.overlap(a, b).startswith("100 of 4096 values are shared")


def test_overlap_without_shared_values():
    rng = np.random.default_rng(7)
    assert dependence.overlap(normal32(rng), normal32(rng) + 10) == "they share no value"


def test_family_is_one_bonferroni_test():
    verdicts = [
        (f"pair {i}", stats.Verdict("t (x)", float(i), p, FIXED_ALPHA, 10, f"effect {i}"))
        for i, p in enumerate([0.5, 1e-7, 0.2])
    ]
    verdict = dependence.family(verdicts, FIXED_ALPHA, "3 pairs")
    assert verdict.pvalue == pytest.approx(3e-7) and verdict.alpha == FIXED_ALPHA
    assert verdict.statistic == 1.0 and verdict.effect == "at pair 1: effect 1"
    assert verdict.test == "t (3 pairs; smallest p of 3, Bonferroni)"
    assert dependence.family(verdicts[::2], FIXED_ALPHA, "").pvalue == 0.4
    assert dependence.family([verdicts[0]] * 3, FIXED_ALPHA, "").pvalue == 1.0
