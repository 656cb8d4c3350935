"""The dependence tests whose null law is exact, not a limit (issue #25, items 1 and 4):
the randomised PIT is exactly uniform under a law of a few atoms; the random signs' bound
holds, and is tight, by enumeration of every sign; Orthogonal's correlation of two seeds
holds its level on Haar matrices."""

import itertools

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.conformance import stats
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.laws import Normal, Uniform

LEVELS = (1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3, 0.5)


@pytest.mark.parametrize(
    ("law", "dtype"),
    [
        (Normal(1.0, 0.004), "bfloat16"),  # 3 atoms hold nearly all the mass
        (Uniform(5.0, 5.02), "bfloat16"),  # 2 atoms
        (Normal(0.0, 0.05), "float16"),
        (Uniform(-1.0, 1.0), "float32"),
    ],
)
def test_the_randomised_pit_is_uniform_where_the_cdf_is_not(law, dtype):
    """10^6 values of each law, rounded as the reference rounds: ``U`` passes KS against
    U(0, 1), where ``F(x)`` of a law of a few atoms fails it outright."""
    x = law.sample(np.random.default_rng(3), (1_000_000,)).astype(dtypes.resolve(dtype))
    x = x.astype(np.float64)
    u = stats.randomized_pit(x, law, dtype, seed=7)
    assert scipy_stats.kstest(u, "uniform").pvalue > 1e-3
    if dtype == "bfloat16":
        assert scipy_stats.kstest(law.cdf(x), "uniform").pvalue < 1e-100


def test_the_randomisation_follows_the_run_seed():
    """Each run places the values within their atoms anew (the audit averages over run
    seeds), and a run's verdicts reproduce."""
    law, x = Normal(1.0, 0.004), np.full(100, 1.0)
    one = stats.randomized_pit(x, law, "bfloat16", seed=1)
    assert np.array_equal(one, stats.randomized_pit(x, law, "bfloat16", seed=1))
    assert not np.array_equal(one, stats.randomized_pit(x, law, "bfloat16", seed=2))


def _rejection_by_enumeration(weights: np.ndarray, level: float) -> float:
    """``P(signed_sum_pvalue(z) <= level)`` over every sign pattern, exactly."""
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=weights.size)))
    z = signs @ weights / np.sqrt(np.sum(weights**2))
    return float(np.mean(stats.signed_sum_pvalue(z) <= level))


@pytest.mark.parametrize(
    "weights",
    [
        *(np.ones(n) for n in (1, 2, 3, 4, 6, 9, 14)),
        2.0 ** -np.arange(12),
        np.random.default_rng(1).exponential(size=14),
        np.random.default_rng(2).standard_normal(13) ** 2,
    ],
    ids=lambda w: f"{w.size} weights",
)
def test_the_random_signs_bound_holds_for_every_pattern(weights):
    for level in LEVELS:
        assert _rejection_by_enumeration(weights, level) <= level


def test_the_random_signs_bound_is_tight():
    """Two equal weights reach it: ``|z| = √2`` with probability 1/2, and the bound's
    p-value there is exactly 1/2 (the constant is Bentkus and Dzindzalieta's optimum)."""
    assert stats.signed_sum_pvalue(np.sqrt(2.0)) == pytest.approx(0.5, rel=1e-12)
    assert _rejection_by_enumeration(np.ones(2), 0.5 + 1e-12) == 0.5


def _haar(rng, n):
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def test_orthogonal_seeds_hold_their_level_and_see_a_shared_matrix():
    """5,000 pairs of independent 8x8 Haar matrices: rejection at 5 % at most 5 % (plus 4
    standard errors); a pair that shares half its columns is caught."""
    rng = np.random.default_rng(4)
    p = np.array(
        [
            stats.column_sign_correlation(_haar(rng, 8), _haar(rng, 8), 0.05, "").pvalue
            for _ in range(5000)
        ]
    )
    assert np.mean(p < 0.05) <= 0.05 + 4 * np.sqrt(0.05 / 5000)
    a = _haar(rng, 64)
    b = _haar(rng, 64)
    b[:, :32] = a[:, :32]
    assert stats.column_sign_correlation(a, b, 1e-7, "").pvalue < 1e-7


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_the_rounding_cells_tile_the_law(dtype):
    """Each value's cell ends where the next value's begins, and a 16-bit cell holds the
    rounded law's atom: the randomised PIT spreads each atom's mass over its own share of
    (0, 1), no gap and no overlap."""
    law = Normal(0.3, 0.05)
    x = np.unique(law.sample(np.random.default_rng(5), (5000,)).astype(dtypes.resolve(dtype)))
    x = x.astype(np.float64)
    lo, hi = dtypes.rounding_cell(law, dtype, x)
    assert np.all(hi > lo)
    above = np.nextafter(x.astype(dtypes.resolve(dtype)), np.inf).astype(np.float64)
    assert np.array_equal(hi, dtypes.rounding_cell(law, dtype, above)[0])
    exact = dtypes.in_dtype(law, dtype)
    if isinstance(exact, dtypes.Rounded):
        atoms = np.searchsorted(exact.values, x)
        assert np.allclose(hi - lo, exact.masses[atoms], rtol=1e-9, atol=0)


@pytest.mark.parametrize("moments", [4, 16, 128])
def test_the_moment_bound_bounds_the_normal_tail(moments):
    """The normal law has the moments the bound assumes: the bound is at least its tail,
    and within a factor 40 of it where the moments reach (|z| <= √moments)."""
    for z in np.linspace(0.5, 12, 60):
        tail = 2 * scipy_stats.norm.sf(z)
        bound = stats.moment_tail_bound(z, moments)
        assert bound >= tail
        if z * z <= moments and tail > 1e-300:
            assert bound < 40 * tail or bound == 1.0


def test_haar_traces_have_normal_moments_up_to_half_the_size():
    """Diaconis and Shahshahani's theorem, which the traces' bound rests on, checked on
    O(12) by simulation: the moments of tr Q up to order 6 and of (tr Q² - 1)/√2 up to
    order 3 (``j·a_j <= 6``) are the standard normal's, within 5 standard errors of
    200,000 draws."""
    rng = np.random.default_rng(9)
    q, r = np.linalg.qr(rng.standard_normal((200_000, 12, 12)))
    q = q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]
    t1 = np.trace(q, axis1=1, axis2=2)
    t2 = (np.einsum("nij,nji->n", q, q) - 1) / np.sqrt(2)
    normal = {1: 0, 2: 1, 3: 0, 4: 3, 5: 0, 6: 15}
    for t, orders in ((t1, range(1, 7)), (t2, range(1, 4))):
        for k in orders:
            power = t**k
            assert abs(power.mean() - normal[k]) < 5 * power.std() / np.sqrt(t.size), k
