"""The support and point-mass checks on what conforming float32 generators really return.

A conforming float32 port puts values exactly on an inclusive bound (a uniform sampler on
a 2^-24 grid returns ``minval`` itself; ``mean + std·z`` followed by a clamp lands on the
bound) and rounds across a bound by a few ulps of its arithmetic. Neither may fail the
run; clipping, which piles 2.3 % of a normal's values on each bound, must.
"""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance.conformance import assertions
from initializer_conformance.conformance.sampling import Context, Sample
from initializer_conformance.reference.laws import TruncatedNormal, Uniform

ALPHA = 2.26e-7  # the Hypothesis tier's alpha of a ci run
N = 20_000


def torch_like_uniform(minval, maxval, n, seed, zeros=0):
    """float32 ``minval + (maxval - minval)·u``, ``u`` on torch's 2^-24 grid; the first
    ``zeros`` draws are ``u = 0`` (probability 2^-24 each: rare, and allowed)."""
    k = np.random.default_rng(seed).integers(0, 2**24, n)
    k[:zeros] = 0
    u = (k * 2.0**-24).astype(np.float32)
    return (np.float32(minval) + np.float32(maxval - minval) * u).astype(np.float32)


def clamped_truncated_normal(law, n, seed):
    """float32 inverse-CDF draws clamped to the bounds (torch's trunc_normal_)."""
    lo, hi = law.support
    u = np.random.default_rng(seed).uniform(scipy_stats.norm.cdf(-2), scipy_stats.norm.cdf(2), n)
    x = np.float32(law.loc) + np.float32(law.scale) * scipy_stats.norm.ppf(u).astype(np.float32)
    return np.clip(x, np.float32(lo), np.float32(hi)).astype(np.float32)


def _check(x, law, identifier="RandomUniform"):
    ctx = Context(identifier, {"seed": 1}, (x.size,), "float32")
    sample = Sample(x.astype(np.float64), 1)
    assertions.assert_support(sample, law, ctx)
    assertions.assert_no_point_mass(sample, law, ctx, ALPHA)


@pytest.mark.parametrize("zeros", [0, 1, 2])
def test_a_uniform_with_values_exactly_on_a_bound_of_zero_passes(reference_run, zeros):
    law = Uniform(0.0, 0.05)
    x = torch_like_uniform(0.0, 0.05, N, seed=zeros, zeros=zeros)
    assert np.count_nonzero(x == 0.0) >= zeros
    _check(x, law)


def test_a_clamped_float32_truncated_normal_with_a_bound_at_zero_passes(reference_run):
    law = TruncatedNormal(-1.0, 0.5)  # the TruncatedNormal probe: upper bound exactly 0
    x = clamped_truncated_normal(law, 200_000, seed=3)
    x[:2] = np.float32(0.0)  # two draws the clamp put exactly on the bound
    _check(x, law, "TruncatedNormal")


def test_rounding_across_a_bound_is_allowed_and_a_leak_is_not(reference_run):
    law = Uniform(-0.05, 0.05)
    x = torch_like_uniform(-0.05, 0.05, N, seed=4)
    x[0] = np.nextafter(np.float32(0.05), np.float32(1))  # one ulp past: rounding
    _check(x, law)
    x[1] = 0.0501  # well past: a leak
    with pytest.raises(AssertionError, match="values outside the support"):
        _check(x, law)


def test_clipping_is_caught_whatever_the_bound(reference_run):
    law = TruncatedNormal(0.3, 0.2)
    z = np.random.default_rng(5).standard_normal(N)
    x = np.clip(0.3 + 0.2 * z, *law.support).astype(np.float32)
    with pytest.raises(AssertionError, match="clipped to them instead of redrawn"):
        _check(x, law, "TruncatedNormal")
