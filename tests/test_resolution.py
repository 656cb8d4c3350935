"""The resolution of a law in a dtype (``reference/resolution.py``), against enumeration and
simulation: the collision probability that test_repeats uses, and the probability of a
narrower dtype's number that test_float64_precision uses."""

import doctest

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.reference import resolution
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform
from initializer_conformance.reference.rounding import arithmetic_scale

LAWS = {
    "normal": Normal(0.25, 1.5),
    "uniform": Uniform(-0.2, 0.6),
    "truncated": TruncatedNormal(-1.0, 0.5),
    "glorot": Uniform(-0.0765, 0.0765),
}


def test_docstring_examples():
    result = doctest.testmod(resolution, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _pairs(x):
    _, counts = np.unique(x, return_counts=True)
    return int(np.sum(counts * (counts - 1) // 2))


@pytest.mark.parametrize("name", LAWS)
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_the_enumerated_16_bit_law_matches_the_integral_over_binades(name, dtype):
    """The float32/float64 path (an integral of pdf²·ulp, binade by binade) agrees with the
    exact enumeration of a 16-bit dtype's values, where the cells are 2^-10 (2^-7) wide."""
    law = LAWS[name]
    exact = resolution.collision_probability(law, dtype)
    integral = resolution._binades(law, resolution.resolve(dtype))
    lower, upper, spacing, _ = integral
    approx = float(
        np.sum(spacing * resolution._integrate(lambda x: law.dist.pdf(x) ** 2, lower, upper))
    )
    assert approx == pytest.approx(exact, rel=0.02 if dtype == "float16" else 0.1)


@pytest.mark.parametrize("name", LAWS)
def test_float32_repeats_of_the_reference_are_what_the_law_predicts(name):
    """Values drawn in float64 and rounded once to float32 coincide as often as
    ``collision_probability`` says (Poisson within 5 sd), for every family."""
    law = LAWS[name]
    n = 1_000_000
    x = law.sample(np.random.default_rng(1), (n,)).astype(np.float32)
    expected = n * (n - 1) / 2 * resolution.collision_probability(law, "float32")
    assert abs(_pairs(x) - expected) < 5 * np.sqrt(expected) + 5
    assert resolution.repeat_bound(law, "float32") > 5 * expected / (n * (n - 1) / 2)


@pytest.mark.parametrize("bits", [23, 24])
def test_the_bound_covers_generators_on_the_dtype_grid(bits):
    """A float32 uniform on a grid of 2^-bits (JAX, torch) coincides with probability
    2^-bits: within the bound ``ℓ + eps + √(ℓ·eps)``; 1,024 levels are far above it."""
    law = Uniform(-0.0765, 0.0765)
    n = 1_000_000
    k = np.random.default_rng(bits).integers(0, 2**bits, n)
    u = (k * 2.0**-bits).astype(np.float32)
    x = np.float32(law.low) + np.float32(law.high - law.low) * u
    bound = n * (n - 1) / 2 * resolution.repeat_bound(law, "float32")
    assert _pairs(x) < bound - 5 * np.sqrt(bound)
    assert n * (n - 1) / 2 * 2.0**-10 > 1000 * bound


@pytest.mark.parametrize("name", LAWS)
def test_the_share_of_bfloat16_numbers_among_float32_values(name):
    """P(a float32 value is a bfloat16 number) from the integral, against simulation: about
    2^-16 for values rounded from float64 (one float32 in 2^16 is a bfloat16)."""
    law = LAWS[name]
    n = 4_000_000
    x = law.sample(np.random.default_rng(2), (n,)).astype(np.float32)
    import ml_dtypes

    hits = int(np.count_nonzero(x.astype(ml_dtypes.bfloat16).astype(np.float32) == x))
    expected = n * resolution.narrower_probability(law, "float32", "bfloat16")
    assert expected == pytest.approx(n * 2.0**-16, rel=0.05)
    assert abs(hits - expected) < 5 * np.sqrt(expected)


def test_float64_values_near_zero_are_coarser_where_the_arithmetic_is():
    """``minval + width·u`` in float64: near 0 the values lie on the grid of ulp(width),
    so far more of them are float32 numbers than 2^-29; the bound allows for it and a
    float64 port that computed in float32 is 2^29 times above it."""
    law = Uniform(-1.0, 1.0)
    plain = resolution.narrower_probability(law, "float64", "float32")
    coarse = resolution.narrower_probability(law, "float64", "float32", arithmetic_scale(law))
    assert plain == pytest.approx(2.0**-29) and coarse > 10 * plain
    n = 2_000_000
    u = np.random.default_rng(3).integers(0, 2**53, n) * 2.0**-53  # numpy's float64 grid
    x = law.low + (law.high - law.low) * u
    hits = int(np.count_nonzero(x.astype(np.float32).astype(np.float64) == x))
    bound = n * resolution.narrower_bound(law, "float64", "float32")
    assert hits <= scipy_stats.poisson.isf(1e-6, bound)
    assert bound < 1.0


def test_cell_masses_of_a_16_bit_dtype_sum_to_one():
    for scale in (None, 1.0):
        masses = resolution.cell_masses(Normal(0.0, 0.3), "float16", scale)
        assert masses.sum() == pytest.approx(1.0) and masses.min() >= 0
