"""The reference's outputs follow their laws, and the laws are the seed page's.

Three layers, each independent of the others:

1. *Law parameters*: ``init.law(shape)`` is compared with expectations computed
   here from closed forms (literal fans, ``sqrt(scale / n)``, the truncated-normal
   moments written with ``math.erf``), never from the reference's own constants.
   This is what catches a wrong constant.
2. *KS tests*: samples from seeded instances against ``law.dist.cdf``.
3. *Large-n checks*: ~10^6 draws; sample mean and std within ``N_SIGMA`` standard
   errors of the independently computed values, every value in the support.

Statistics. Every statistical test has significance ``ALPHA = 1e-6``: were the
seeds changed, a correct implementation would fail a given test with probability
at most 1e-6. The seeds are fixed (derived from the test id with ``crc32``), so the
suite is deterministic: it never flakes, and a failure is a real change of the
stream or of the law. Tolerances on moments are ``N_SIGMA = 6`` standard errors,
with the standard error of the sample std from the delta method,
``SE(s) ≈ σ·sqrt((κ - 1) / n) / 2`` where ``κ`` is the law's kurtosis (3 for a
normal, 9/5 for a uniform, closed form below for the truncated normal). Six
standard errors is a two-sided probability of ~2e-9 under a normal approximation.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from scipy import stats

from initializer_conformance import reference as ref
from initializer_conformance.reference import laws

ALPHA = 1e-6
N_SIGMA = 6.0
N_KS = 5000  # target sample size of a KS test ...
MAX_KS_INSTANCES = 400  # ... from at most this many seeded instances (n = 400 for shape ())
N_LARGE = 1_000_000  # sample size of the large-n moment checks


def seed_for(name: str) -> int:
    """A fixed seed per test id: deterministic, and different tests use different streams."""
    return zlib.crc32(name.encode()) % 2**31


# --- independent closed forms -------------------------------------------------------


def _phi(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _Phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


_C = 2.0  # truncation at ±2 parent stds (seed page)
_Z = _Phi(_C) - _Phi(-_C)
#: E[X²] and E[X⁴] of X ~ N(0, 1) conditioned on |X| <= 2 (integration by parts:
#: E[X^(k+2)] = (k+1)·E[X^k] - 2·c^(k+1)·φ(c)/Z).
TRUNC_M2 = 1 - 2 * _C * _phi(_C) / _Z
TRUNC_M4 = 3 * TRUNC_M2 - 2 * _C**3 * _phi(_C) / _Z
TRUNC_STD = math.sqrt(TRUNC_M2)  # 0.8796256610342398
TRUNC_KURTOSIS = TRUNC_M4 / TRUNC_M2**2


@dataclass(frozen=True)
class Expected:
    """What the law of one entry must be, computed without the reference."""

    family: str  # "normal" | "uniform" | "truncnorm"
    mean: float
    std: float
    low: float
    high: float
    kurtosis: float  # E[(X - μ)⁴] / σ⁴ (3 for a normal)
    parent_std: float = math.nan  # truncnorm only


def normal(mean: float, std: float) -> Expected:
    return Expected("normal", mean, std, -math.inf, math.inf, 3.0)


def uniform(low: float, high: float) -> Expected:
    return Expected("uniform", (low + high) / 2, (high - low) / math.sqrt(12), low, high, 9 / 5)


def truncnorm(mean: float, parent_std: float) -> Expected:
    return Expected(
        "truncnorm",
        mean,
        TRUNC_STD * parent_std,
        mean - 2 * parent_std,
        mean + 2 * parent_std,
        TRUNC_KURTOSIS,
        parent_std,
    )


LAW_CLASSES = {"normal": laws.Normal, "uniform": laws.Uniform, "truncnorm": laws.TruncatedNormal}

#: Fans of every shape used below, written out by hand (Keras layout: last two dims
#: are (in, out), the others the receptive field).
FANS = {
    (): (1, 1),
    (5,): (5, 5),
    (1, 1): (1, 1),
    (7, 3): (7, 3),
    (4, 6, 10): (24, 40),
    (3, 3, 16, 32): (144, 288),
    (2, 3, 4, 5, 6): (120, 144),
    (64, 128): (64, 128),
    (1000,): (1000, 1000),
}
SHAPES_RANK_0_TO_5 = [(), (5,), (1, 1), (7, 3), (4, 6, 10), (3, 3, 16, 32), (2, 3, 4, 5, 6)]


def n_of(mode: str, shape) -> float:
    fan_in, fan_out = FANS[shape]
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def vs_expected(scale: float, mode: str, distribution: str, shape) -> Expected:
    """VarianceScaling per the seed page: variance scale / n, truncated normal or uniform."""
    std = math.sqrt(scale / n_of(mode, shape))
    if distribution in ("normal", "truncated_normal"):
        return truncnorm(0.0, std / TRUNC_STD)  # the *output* std is sqrt(scale / n)
    if distribution == "untruncated_normal":
        return normal(0.0, std)
    limit = math.sqrt(3 * scale / n_of(mode, shape))
    return uniform(-limit, limit)


#: (scale, mode, distribution) of each preset, from the seed page's formulas.
PRESETS = {
    "lecun_uniform": (1.0, "fan_in", "uniform"),  # limit = sqrt(3 / fan_in)
    "glorot_normal": (1.0, "fan_avg", "normal"),  # std = sqrt(2 / (fan_in + fan_out))
    "glorot_uniform": (1.0, "fan_avg", "uniform"),  # limit = sqrt(6 / (fan_in + fan_out))
    "he_normal": (2.0, "fan_in", "normal"),  # std = sqrt(2 / fan_in)
    "lecun_normal": (1.0, "fan_in", "normal"),  # std = sqrt(1 / fan_in)
    "he_uniform": (2.0, "fan_in", "uniform"),  # limit = sqrt(6 / fan_in)
}


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[int], ref.Initializer]  # seed -> instance
    shape: tuple
    expected: Expected

    def __str__(self):
        return self.id


def _cases() -> list[Case]:
    cases = []
    explicit = [
        (
            "RandomNormal",
            lambda m, s: lambda seed: ref.RandomNormal(m, s, seed),
            normal,
            [(0.0, 0.05), (1.5, 0.3), (-2.0, 3.0)],
        ),
        (
            "RandomUniform",
            lambda a, b: lambda seed: ref.RandomUniform(a, b, seed),
            uniform,
            [(-0.05, 0.05), (0.0, 1.0), (-3.0, 7.0)],
        ),
        (
            "TruncatedNormal",
            lambda m, s: lambda seed: ref.TruncatedNormal(m, s, seed),
            truncnorm,
            [(0.0, 0.05), (1.0, 2.0), (-0.5, 0.01)],
        ),
    ]
    for name, factory, law, configs in explicit:
        for i, shape in enumerate(SHAPES_RANK_0_TO_5):  # configs cycle over ranks 0..5
            a, b = configs[i % len(configs)]
            cases.append(Case(f"{name}({a},{b})-{shape}", factory(a, b), shape, law(a, b)))
    scales = [1.0, 0.5, 3.0]
    for mode in ("fan_in", "fan_out", "fan_avg"):
        for dist in ("normal", "uniform"):
            for i, shape in enumerate(SHAPES_RANK_0_TO_5):
                scale = scales[i % len(scales)]
                cases.append(
                    Case(
                        f"VarianceScaling({scale},{mode},{dist})-{shape}",
                        (lambda sc, mo, di: lambda seed: ref.VarianceScaling(sc, mo, di, seed))(
                            scale, mode, dist
                        ),
                        shape,
                        vs_expected(scale, mode, dist, shape),
                    )
                )
    for dist in ("truncated_normal", "untruncated_normal", "normal", "uniform"):
        for shape in [(5,), (3, 3, 16, 32)]:
            cases.append(
                Case(
                    f"VarianceScaling[keras3](2.0,fan_avg,{dist})-{shape}",
                    (
                        lambda di: (
                            lambda seed: ref.VarianceScaling(
                                2.0, "fan_avg", di, seed, edition="keras3"
                            )
                        )
                    )(dist),
                    shape,
                    vs_expected(2.0, "fan_avg", dist, shape),
                )
            )
    for name, (scale, mode, dist) in PRESETS.items():
        for shape in [(), (7, 3), (3, 3, 16, 32)]:
            cases.append(
                Case(
                    f"{name}-{shape}",
                    getattr(ref, name),
                    shape,
                    vs_expected(scale, mode, dist, shape),
                )
            )
    return cases


CASES = _cases()


def draw(make, shape, n: int, seed0: int, max_instances: int | None = None) -> np.ndarray:
    """At least ``n`` float64 values: the outputs of instances seeded seed0, seed0 + 1, ..."""
    chunks, total, seed = [], 0, seed0
    while total < n and (max_instances is None or seed - seed0 < max_instances):
        out = make(seed)(shape, "float64")
        assert out.shape == tuple(shape) and out.dtype == np.float64
        chunks.append(out.ravel())
        total += out.size
        seed += 1
    return np.concatenate(chunks)


# --- 1. the laws' parameters --------------------------------------------------------


def test_truncated_normal_std_factor():
    """0.8796… = std of N(0,1) truncated to [-2, 2] = sqrt(1 - 2·2·φ(2)/(Φ(2) - Φ(-2)))."""
    assert abs(laws.TRUNCATED_NORMAL_STD_FACTOR - stats.truncnorm(-2, 2).std()) <= 1e-15
    assert abs(laws.TRUNCATED_NORMAL_STD_FACTOR - TRUNC_STD) <= 1e-15
    assert abs(laws.TRUNCATED_NORMAL_STD_FACTOR - 0.8796256610342398) <= 1e-15
    assert ref.TRUNCATED_NORMAL_STD_FACTOR == laws.TRUNCATED_NORMAL_STD_FACTOR
    assert laws.TRUNCATION_WIDTH == 2.0


def test_independent_truncated_kurtosis_agrees_with_scipy():
    """Guards the closed forms used for the tolerances below."""
    _mean, var, _skew, excess = stats.truncnorm(-2, 2).stats(moments="mvsk")
    assert abs(var - TRUNC_M2) < 1e-14
    assert abs(excess + 3 - TRUNC_KURTOSIS) < 1e-12


@pytest.mark.parametrize("case", CASES, ids=str)
def test_law_parameters(case: Case):
    law = case.make(0).law(case.shape)
    exp = case.expected
    assert type(law) is LAW_CLASSES[exp.family], f"{case}: {law.formula}"
    rel = dict(rel=1e-12, abs=1e-15)
    assert law.mean == pytest.approx(exp.mean, **rel), law.formula
    assert law.std == pytest.approx(exp.std, **rel), law.formula
    assert law.support == pytest.approx((exp.low, exp.high), **rel), law.formula
    # the scipy distribution the KS test uses is the same law
    assert float(law.dist.mean()) == pytest.approx(exp.mean, **rel)
    assert float(law.dist.std()) == pytest.approx(exp.std, rel=1e-10)
    assert float(law.dist.stats(moments="k")) + 3 == pytest.approx(exp.kurtosis, rel=1e-9)
    if exp.family == "truncnorm":
        assert law.loc == pytest.approx(exp.mean, **rel)
        assert law.scale == pytest.approx(exp.parent_std, **rel)


@pytest.mark.parametrize(
    "shape,expected_std",
    [
        ((3, 3, 16, 32), math.sqrt(2 / 144)),
        ((7, 3), math.sqrt(2 / 7)),
        ((), math.sqrt(2 / 1)),
    ],
)
def test_he_normal_std_literal(shape, expected_std):
    law = ref.he_normal(seed=1).law(shape)
    assert law.std == pytest.approx(expected_std, rel=1e-14)
    assert float(law.dist.std()) == pytest.approx(expected_std, rel=1e-10)
    assert law.support == pytest.approx(
        (-2 * expected_std / 0.8796256610342398, 2 * expected_std / 0.8796256610342398), rel=1e-14
    )


def test_glorot_uniform_limit_literal():
    assert ref.glorot_uniform().law((3, 3, 16, 32)).support == pytest.approx(
        (-math.sqrt(6 / (144 + 288)), math.sqrt(6 / (144 + 288))), rel=1e-15
    )


@pytest.mark.parametrize("scale", [0.1, 1.0, 2.0, 7.5])
@pytest.mark.parametrize("shape", [(5,), (3, 3, 16, 32), (2, 3, 4, 5, 6)])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling_normal_output_std_is_sqrt_scale_over_n(scale, shape, mode):
    """The seed page's stddev = sqrt(scale / n) is the std of the *output*."""
    init = ref.VarianceScaling(scale, mode, "normal")
    assert init.law(shape).std == pytest.approx(math.sqrt(scale / n_of(mode, shape)), rel=1e-14)
    assert init.variance(shape) == pytest.approx(scale / n_of(mode, shape), rel=1e-14)


def test_truncated_normal_std_and_support_literal():
    for s in (0.05, 1.0, 3.0):
        law = ref.TruncatedNormal(mean=0.25, stddev=s).law((4, 4))
        assert law.std == pytest.approx(0.8796256610342398 * s, rel=1e-15)
        assert float(law.dist.std()) == pytest.approx(0.8796256610342398 * s, rel=1e-12)
        assert law.support == pytest.approx((0.25 - 2 * s, 0.25 + 2 * s), rel=1e-15)


# --- 2. KS tests --------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
def test_samples_follow_law_ks(case: Case):
    x = draw(case.make, case.shape, N_KS, seed_for(case.id), MAX_KS_INSTANCES)
    law = case.make(0).law(case.shape)
    result = stats.kstest(x, law.dist.cdf)
    assert result.pvalue > ALPHA, (
        f"{case}: KS p={result.pvalue:.3g} against {law.formula} (n={x.size})"
    )


# --- 3. large-n checks of mean, std and support ------------------------------------

LARGE_CASES = [
    Case(
        "RandomNormal-default",
        lambda seed: ref.RandomNormal(seed=seed),
        (1000, 1000),
        normal(0.0, 0.05),
    ),
    Case(
        "RandomNormal(1.5,0.3)",
        lambda seed: ref.RandomNormal(1.5, 0.3, seed),
        (1000, 1000),
        normal(1.5, 0.3),
    ),
    Case(
        "RandomUniform-default",
        lambda seed: ref.RandomUniform(seed=seed),
        (1000, 1000),
        uniform(-0.05, 0.05),
    ),
    Case(
        "RandomUniform(-3,7)",
        lambda seed: ref.RandomUniform(-3.0, 7.0, seed),
        (1000, 1000),
        uniform(-3.0, 7.0),
    ),
    Case(
        "TruncatedNormal-default",
        lambda seed: ref.TruncatedNormal(seed=seed),
        (1000, 1000),
        truncnorm(0.0, 0.05),
    ),
    Case(
        "TruncatedNormal(1,2)",
        lambda seed: ref.TruncatedNormal(1.0, 2.0, seed),
        (1000, 1000),
        truncnorm(1.0, 2.0),
    ),
    *[
        Case(
            f"VarianceScaling({sc},{mo},{di})-{sh}",
            (lambda sc, mo, di: lambda seed: ref.VarianceScaling(sc, mo, di, seed))(sc, mo, di),  # noqa: B023
            sh,
            vs_expected(sc, mo, di, sh),
        )
        for sc, mo, di, sh in [
            (1.0, "fan_in", "normal", (3, 3, 16, 32)),
            (2.0, "fan_out", "normal", (64, 128)),
            (0.5, "fan_avg", "normal", (3, 3, 16, 32)),
            (1.0, "fan_in", "uniform", (1000,)),
            (2.0, "fan_out", "uniform", (3, 3, 16, 32)),
            (3.0, "fan_avg", "uniform", (64, 128)),
        ]
    ],
    Case(
        "VarianceScaling[keras3](2,fan_in,untruncated_normal)",
        lambda seed: ref.VarianceScaling(
            2.0, "fan_in", "untruncated_normal", seed, edition="keras3"
        ),
        (3, 3, 16, 32),
        normal(0.0, math.sqrt(2 / 144)),
    ),
    *[
        Case(
            f"{name}-(3,3,16,32)",
            getattr(ref, name),
            (3, 3, 16, 32),
            vs_expected(*PRESETS[name], (3, 3, 16, 32)),
        )
        for name in PRESETS
    ],
]


@pytest.mark.parametrize("case", LARGE_CASES, ids=str)
def test_large_n_mean_std_support(case: Case):
    exp = case.expected
    x = draw(case.make, case.shape, N_LARGE, seed_for(case.id))
    n = x.size
    assert n >= N_LARGE
    se_mean = exp.std / math.sqrt(n)
    se_std = exp.std * math.sqrt((exp.kurtosis - 1) / n) / 2
    mean, std = float(x.mean()), float(x.std(ddof=1))
    assert abs(mean - exp.mean) <= N_SIGMA * se_mean, (
        f"{case}: mean {mean!r}, expected {exp.mean!r} ± {N_SIGMA}·{se_mean:.3g}"
    )
    assert abs(std - exp.std) <= N_SIGMA * se_std, (
        f"{case}: std {std!r}, expected {exp.std!r} ± {N_SIGMA}·{se_std:.3g}"
    )
    lo, hi = float(x.min()), float(x.max())
    if exp.family == "uniform":
        width = exp.high - exp.low
        assert exp.low <= lo and hi < exp.high, f"{case}: values outside [{exp.low}, {exp.high})"
        # the whole interval is used (P(miss) = (1 - 1e-4)^1e6 ≈ e^-100)
        assert lo < exp.low + 1e-4 * width and hi > exp.high - 1e-4 * width
    elif exp.family == "truncnorm":
        eps = 1e-12 * (abs(exp.mean) + exp.parent_std)
        assert exp.low - eps <= lo and hi <= exp.high + eps, (
            f"{case}: values outside mean ± 2·stddev = [{exp.low}, {exp.high}]"
        )
        # values are redrawn, not clipped: no mass piles up on the bounds ...
        assert np.count_nonzero(np.abs(x - exp.mean) >= 2 * exp.parent_std * (1 - 1e-9)) <= 1
        # ... and the bounds are reached (density near ±2 is φ(2)/Z ≈ 0.057 per parent std)
        assert lo < exp.low + 0.01 * exp.parent_std and hi > exp.high - 0.01 * exp.parent_std


def test_large_n_he_normal_conv_kernel_std_is_sqrt_2_over_144():
    """The brief's example, spelled out: he_normal on (3, 3, 16, 32), ~10^6 draws."""
    x = draw(ref.he_normal, (3, 3, 16, 32), N_LARGE, seed_for("he_normal literal"))
    sigma = math.sqrt(2 / 144)
    se = sigma * math.sqrt((TRUNC_KURTOSIS - 1) / x.size) / 2
    assert abs(x.std() - sigma) <= N_SIGMA * se
    assert np.abs(x).max() <= 2 * sigma / 0.8796256610342398 * (1 + 1e-12)


def test_float32_output_is_float64_draw_rounded_once():
    """Draws are made in float64 and rounded once to the requested dtype."""
    for make in (
        ref.RandomNormal,
        ref.RandomUniform,
        ref.TruncatedNormal,
        ref.he_uniform,
        ref.glorot_normal,
        ref.Orthogonal,
    ):
        init = make(seed=5)
        x64 = init((7, 3), "float64")
        assert np.array_equal(init((7, 3)), x64.astype(np.float32))
        assert np.array_equal(init((7, 3), "float16"), x64.astype(np.float16))


# --- fans ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,expected",
    [
        ((), (1, 1)),  # rank 0
        ((5,), (5, 5)),  # rank 1: a bias
        ((1,), (1, 1)),
        ((4, 6), (4, 6)),  # rank 2: Dense (in, out)
        ((1, 1), (1, 1)),
        ((5, 4, 6), (20, 30)),  # rank 3: Conv1D (k, in, out)
        ((3, 3, 16, 32), (144, 288)),  # rank 4: Conv2D
        ((2, 3, 4, 5, 6), (120, 144)),  # rank 5: Conv3D
        ((7, 1, 1), (7, 7)),
        ((0,), (1, 1)),  # zero-sized dims: max(1, ·)
        ((0, 6), (1, 6)),
        ((3, 0), (3, 1)),
        ((0, 0), (1, 1)),
        ((3, 3, 0, 32), (1, 288)),
        ((0, 3, 16, 32), (1, 1)),
        ((2, 3, 4, 0, 6), (1, 144)),
    ],
)
def test_fans_table(shape, expected):
    assert ref.fans(shape) == expected
    assert all(type(f) is int for f in ref.fans(shape))


def test_fans_of_test_shapes_table():
    """The FANS table used above agrees with the reference (both are hand-checked)."""
    for shape, expected in FANS.items():
        assert ref.fans(shape) == expected


# --- Orthogonal ---------------------------------------------------------------------

ORTHO_SHAPES = [
    ((3, 3), 3, 3),
    ((5, 3), 5, 3),
    ((3, 5), 3, 5),
    ((1, 1), 1, 1),
    ((1, 5), 1, 5),
    ((5, 1), 5, 1),
    ((2, 3, 4), 6, 4),
    ((4, 3, 2), 12, 2),
    ((2, 2, 9), 4, 9),
    ((3, 3, 16, 32), 144, 32),
    ((2, 2, 2, 2, 3), 16, 3),
]


@pytest.mark.parametrize("gain", [1.0, 0.5, 2.5, -1.5])
@pytest.mark.parametrize("shape,rows,cols", ORTHO_SHAPES, ids=str)
@pytest.mark.parametrize("dtype,tol", [("float64", 1e-12), ("float32", 2e-6)])
def test_orthogonal_is_gain_times_orthonormal(shape, rows, cols, gain, dtype, tol):
    init = ref.Orthogonal(gain=gain, seed=seed_for(f"ortho{shape}{gain}"))
    out = init(shape, dtype)
    assert out.shape == shape and out.dtype == np.dtype(dtype)
    q = out.reshape(rows, cols).astype(np.float64)
    if rows >= cols:
        gram = q.T @ q  # columns orthonormal
    else:
        gram = q @ q.T  # rows orthonormal
    np.testing.assert_allclose(
        gram, gain**2 * np.eye(min(rows, cols)), rtol=0, atol=tol * gain**2 * max(rows, cols)
    )
    law = init.law(shape)
    assert type(law) is laws.HaarOrthogonal
    assert (law.rows, law.cols, law.gain) == (rows, cols, gain)


def _haar_draws(shape, n, gain=1.0):
    seed0 = seed_for(f"haar{shape}{gain}")
    return np.stack([ref.Orthogonal(gain, seed0 + i)(shape, "float64") for i in range(n)])


def test_orthogonal_haar_square_signs_and_beta():
    """2000 seeded 3×3 draws: signs of the diagonal are fair coins, and
    Q[0,0]² ~ Beta(1/2, (3 - 1)/2) (a column is uniform on the sphere of R³)."""
    qs = _haar_draws((3, 3), 2000)
    n = len(qs)
    for i in range(3):
        k = int(np.count_nonzero(qs[:, i, i] > 0))
        p = stats.binomtest(k, n, 0.5).pvalue
        assert p > ALPHA, (
            f"sign of Q[{i},{i}] positive {k}/{n} times (p={p:.3g}); missing sign fix?"
        )
    k = int(np.count_nonzero(np.linalg.det(qs) > 0))
    assert stats.binomtest(k, n, 0.5).pvalue > ALPHA, f"det > 0 in {k}/{n} draws"
    for i, j in [(0, 0), (1, 2), (2, 1)]:
        p = stats.kstest(qs[:, i, j] ** 2, stats.beta(0.5, 1.0).cdf).pvalue
        assert p > ALPHA, f"Q[{i},{j}]² is not Beta(1/2, 1) (KS p={p:.3g})"


@pytest.mark.parametrize(
    "shape,a,b,gain",
    [
        ((5, 3), 0.5, 2.0, 1.0),  # tall: columns uniform on the sphere of R⁵
        ((3, 5), 0.5, 2.0, 2.0),  # wide: rows uniform on the sphere of R⁵
        ((2, 2, 3), 0.5, 1.5, 0.5),  # rank 3, flattened to 4 × 3
    ],
)
def test_orthogonal_haar_rectangular_beta(shape, a, b, gain):
    qs = _haar_draws(shape, 600, gain)
    flat = qs.reshape(len(qs), -1, shape[-1])
    for i, j in [(0, 0), (1, 2)]:
        p = stats.kstest((flat[:, i, j] / gain) ** 2, stats.beta(a, b).cdf).pvalue
        assert p > ALPHA, f"{shape}: entry [{i},{j}]²/gain² is not Beta({a}, {b}) (p={p:.3g})"
        k = int(np.count_nonzero(flat[:, i, j] > 0))
        assert stats.binomtest(k, len(qs), 0.5).pvalue > ALPHA


@pytest.mark.parametrize("shape", [(), (5,), (1,)])
def test_orthogonal_rank_below_2_raises(shape):
    with pytest.raises(ValueError, match="rank"):
        ref.Orthogonal(seed=1)(shape)
    with pytest.raises(ValueError):
        ref.Orthogonal().law(shape)
