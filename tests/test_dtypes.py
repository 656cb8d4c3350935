"""The law of an output in a 16-bit dtype (reference/dtypes.py), and the tests against it
(conformance/stats.py) at their extremes: exact under the law, rejecting what is not."""

import numpy as np
import pytest
from scipy import stats as scipy_stats

from initializer_conformance import reference
from initializer_conformance.conformance import stats
from initializer_conformance.reference.dtypes import Rounded, epsilon, in_dtype, representable
from initializer_conformance.reference.laws import Normal, TruncatedNormal, Uniform

SIXTEEN = ("float16", "bfloat16")


def rounded_sample(law, dtype, n, seed=0):
    """``n`` draws of ``law`` in float64, rounded once to ``dtype``, as float64."""
    return (
        np.asarray(law.sample(np.random.default_rng(seed), (n,))).astype(dtype).astype(np.float64)
    )


def test_representable_values():
    # float16: 2^16 patterns - 2046 NaNs - 2 infinities - one of the two zeros
    assert representable("float16").size == 63_487
    assert representable("bfloat16").size == 2**16 - 2 * (2**7 - 1) - 2 - 1
    assert epsilon("float16") == 2**-10 and epsilon("bfloat16") == 2**-7
    assert epsilon("float32") == 2**-23 and epsilon("float64") == 2**-52


@pytest.mark.parametrize("dtype", SIXTEEN)
@pytest.mark.parametrize(
    "law", [Normal(0.25, 1.5), Uniform(-0.2, 0.6), TruncatedNormal(-1.0, 0.5)], ids=repr
)
def test_rounded_law_is_the_law_rounded(law, dtype):
    r = Rounded(law, dtype)
    assert np.isclose(r.masses.sum(), 1.0) and (r.masses > 0).all()
    assert set(r.values) <= set(representable(dtype))
    # moments within the rounding: |mean shift| <= half an ulp, variance + ulp²/12-ish
    ulp = epsilon(dtype) * (abs(law.mean) + 3 * law.std)
    assert abs(r.mean - law.mean) <= ulp
    assert abs(r.std - law.std) <= ulp
    # the empirical law of rounded draws is the rounded law (atom by atom, chi-square)
    x = rounded_sample(law, dtype, 50_000)
    assert stats.discrete_counts(x, r, 1e-3).passed
    assert in_dtype(law, "float32") == law and in_dtype(law, dtype) == r  # cached: equal laws


@pytest.mark.parametrize("dtype", SIXTEEN)
def test_tests_are_exact_under_the_rounded_law(dtype):
    """Over 300 samples of a rounded law, each test rejects at alpha = 0.05 about 5 % of the
    time (the randomized PIT and the chi-square are exact, not conservative or liberal)."""
    law = TruncatedNormal(0.0, 0.05)  # few atoms per std in bfloat16: a strongly discrete law
    r = Rounded(law, dtype)
    rejected = np.zeros(3)
    for seed in range(300):
        verdicts = stats.goodness_of_fit(rounded_sample(law, dtype, 2_000, seed), r, 0.05)
        rejected += [not v.passed for v in verdicts]
    for count in rejected:  # Binomial(300, 0.05): 15 expected, [4, 30] holds w.p. > 0.999
        assert 4 <= count <= 30, rejected


def test_a_law_on_one_value():
    """A spread far below one ulp: every value on one atom, which is what the law says."""
    r = Rounded(Normal(10.0, 1e-4), "float16")
    x = np.full(1000, 10.0)
    assert r.values.size <= 3 and all(v.passed for v in stats.goodness_of_fit(x, r, 1e-6))
    # the next float16 value, which the law does not reach: the randomized PIT puts it at 1
    assert not all(v.passed for v in stats.goodness_of_fit(np.full(1000, 10.0078125), r, 1e-6))


@pytest.mark.parametrize(
    "low, width, dtype, atoms",
    [
        (1.0, 2**-8, "bfloat16", 1),  # narrower than half an ulp: one atom
        (1.0, 2**-7, "bfloat16", 2),  # one ulp: two atoms of mass 1/2, one distance
        (1.0, 2**-10, "float16", 2),
        (-3.0, 2**-11, "float16", 1),
    ],
)
def test_scale_tests_on_a_law_with_one_squared_deviation(low, width, dtype, atoms):
    """Found by the torch-like port's false-alarm run (seed 10): a uniform on an interval
    of an ulp, rounded to a 16-bit dtype, puts every value at one distance from the mean,
    and the variance test divided by its variance, 0. The test is then exact."""
    law = Uniform(low, low + width)
    r = Rounded(law, dtype)
    assert r.values.size == atoms
    x = rounded_sample(law, dtype, 5_000)
    assert stats.variance(x, r, 1e-6).pvalue == 1.0  # exact: S = n·m2 with certainty
    assert stats.mean(x, r, 1e-6).passed
    assert all(v.passed for v in stats.goodness_of_fit(x, r, 1e-6))
    off = x.copy()
    off[0] = r.values[0] - epsilon(dtype) * abs(low)  # one value an ulp below the law
    verdict = stats.variance(off, r, 1e-6)
    assert not verdict.passed and verdict.pvalue == 0.0
    assert verdict.effect.startswith(f"1 of {x.size} values off"), verdict.effect
    shifted = stats.mean(np.full(100, r.values[-1] + epsilon(dtype) * abs(low)), r, 1e-6)
    assert not shifted.passed, shifted.describe()


@pytest.mark.parametrize("dtype", SIXTEEN)
def test_coarse_or_stuck_values_fail(dtype):
    law = Normal(0.0, 1.0)
    r = Rounded(law, dtype)
    x = rounded_sample(law, dtype, 20_000)
    coarse = np.round(x * 8) / 8  # 1/8 steps: right mean and std, wrong values
    assert not stats.discrete_counts(coarse, r, 1e-6).passed
    stuck = x.copy()
    stuck[:300] = -2.0  # 1.5 % of the values stuck on one value
    assert not stats.discrete_counts(stuck, r, 1e-6).passed


def test_cells():
    assert stats.cells_for(20_000) == 105
    assert stats.cells_for(2) == 4 and stats.cells_for(10**9) == 200


def test_reference_draws_bfloat16():
    out = reference.make("he_normal", {"seed": 1})((64, 32), "bfloat16")
    assert out.dtype.name == "bfloat16" and out.shape == (64, 32)
    law = reference.make("he_normal", {"seed": 1}).law((64, 32))
    x = out.astype(np.float64).ravel()
    assert scipy_stats.kstest(x, law.cdf).pvalue > 1e-6
