"""The structure of an output: what the law and its first two moments do not see.

test_law tests each value's CDF and test_scale its first two moments, on pooled values.
A port can pass both and still be wrong in ways a user meets: float64 weights that carry
float32 precision, a generator with 1,024 levels (PyTorch's test_init.py has
``test_trunc_normal_unique_values`` for it), recycled blocks of values, heavy tails of the
right variance, a value's sign set by its neighbour's size. For every element-wise random
initializer, on large outputs drawn with seeds from ``--conformance-seed``:

* :func:`test_float64_precision`: float64 outputs are not float32 numbers (a conforming
  float64 value is one with probability about 2^-29), nor values that repeat;
* :func:`test_repeats`: the float32 values coincide no more often than the law in float32
  and a generator at the dtype's resolution allow (``reference/resolution.py``);
* :func:`test_moments`: skewness and kurtosis (insensitive to the centre and the scale,
  which test_scale reports), and the mass beyond 3 std of an untruncated normal;
* :func:`test_serial_dependence`: each value's quantile cell is independent of its
  neighbour's along rows and along columns (a chi-square of transitions, which sees
  non-linear dependence that test_independence's correlations cannot);
* :func:`test_long_range_dependence`: the flattened output is white noise (Bartlett's
  cumulative periodogram, the correlation at every lag, and the periodogram's ordinates
  exponential): no linear dependence at any lag (a block repeated at a period, mirrored
  halves, a correlation of 0.05 at lag 12,345).

Each is one statistical test at the fixed tier's alpha (``conformance/run.py``): 51 tests,
a false-alarm probability of at most 51·FIXED_ALPHA for the module. The float32 checks
share one sample per initializer (4 outputs of 256×512, 524,288 values); the float64
check draws 2 outputs (262,144 values). test_moments and test_serial_dependence also draw
one output of 256×512 in each other floating dtype the adapter supports
(``conformance/each_dtype.py``: a 16-bit path may be another port) and test the dtypes of
each as one family (Bonferroni), so the count of tests is unchanged; test_repeats stays in
float32 (its bound is float32's resolution) and test_float64_precision in float64.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from initializer_conformance.conformance import (
    dependence,
    each_dtype,
    properties,
    spectral,
    stats,
    streams,
)
from initializer_conformance.conformance.assertions import judge
from initializer_conformance.conformance.diagnosis import diagnose
from initializer_conformance.conformance.fixed_cases import (
    FLOAT64_CALLS,
    OTHER_CALLS,
    STRUCTURE_CALLS,
    STRUCTURE_SHAPE,
)
from initializer_conformance.conformance.identifiers import ELEMENTWISE
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import Context, Sample, derived_seed, generate
from initializer_conformance.reference import dtypes, resolution
from initializer_conformance.reference.laws import Normal

PROPERTY = properties.STRUCTURE

#: Cells of the law's quantiles for the test of transitions: 8 x 8, about 8,000 pairs a cell.
BINS = 8
#: The far tail of an untruncated normal: beyond mean ± 3 std (0.27 % of the values).
TAIL = 3.0


def _draw(identifier: str, block: str, dtype: str, calls: int):
    """``(context, law, outputs)``: ``calls`` outputs of STRUCTURE_SHAPE with seeds derived
    from the run's seed (``streams``, the check's ``block``), stacked as float64 (exact for
    float32 values), shared by the checks of a process."""
    seed = streams.seed(block, ELEMENTWISE.index(identifier))
    ctx = Context(identifier, {"seed": seed}, STRUCTURE_SHAPE, dtype)
    key = ("test_structure", identifier, seed, dtype, calls)
    store = current().samples
    sample = store.get(key)
    if sample is None:
        outputs = [
            generate(identifier, {"seed": derived_seed(seed, i)}, STRUCTURE_SHAPE, dtype)
            for i in range(calls)
        ]
        sample = Sample(np.stack([o.astype(np.float64) for o in outputs]), calls)
        sample.values.flags.writeable = False
        store.put(key, sample)
    return ctx, ctx.law(), sample


def _flat(sample: Sample) -> Sample:
    return Sample(sample.values.ravel(), sample.calls)


def _pairs_expected(n: int, q: float) -> float:
    return n * (n - 1) / 2 * q


def _recycling(outputs: np.ndarray) -> list[str]:
    """Name how an output repeats itself, if it does: identical outputs for distinct seeds,
    or one block of values repeated within an output."""
    causes = []
    for i in range(1, len(outputs)):
        if np.array_equal(outputs[0], outputs[i]):
            causes.append(
                f"recycled outputs: calls 1 and {i + 1}, with distinct seeds, returned "
                f"identical arrays (values cached per shape, the seed ignored)"
            )
            break
    flat = outputs[0].ravel()
    for shift in np.flatnonzero(flat == flat[0])[1:4]:
        if np.array_equal(flat[shift:], flat[:-shift]):
            causes.append(
                f"recycled values: each output repeats one block of {shift} values "
                f"({flat.size / shift:.1f} times)"
            )
            break
    return causes


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_float64_precision(identifier):
    """float64 outputs carry float64 information: almost none of the values is a float32
    number, and none repeats.

    A float64 value of a conforming port is a float32 number with probability about 2^-29
    (one float64 number in 2^29 of a binade is one); near 0 the port's arithmetic
    (``mean + std·z``, ``minval + width·u``) and its generator's grid (52 or 53 bits) make
    values coarser, which ``reference.resolution.narrower_bound`` allows for: at most
    about 2.5e-7 per value, 0.06 of the 262,144 values. Two values coincide with
    probability about 2^-51 (1.5e-5 pairs). The test counts both, against Poisson of
    their upper bound: a float64 output computed in float32 and cast is float32 numbers
    only (p = 0); one scaled in float64 from float32 uniforms is no float32 number but
    repeats (2^-24 per pair: about 2,000 pairs). Conforming: rejected only if 4 or more
    events occur where 0.06 may, a false alarm far below alpha (about 5e-7).
    """
    ctx, law, sample = _draw(identifier, "float64 precision", "float64", FLOAT64_CALLS)
    x = sample.values.ravel()
    n = x.size
    with np.errstate(over="ignore"):
        as_float32 = int(np.count_nonzero(x.astype(np.float32).astype(np.float64) == x))
    pairs, distinct = stats.coinciding_pairs(x)
    p32 = resolution.narrower_bound(law, "float64", "float32")
    q = resolution.repeat_bound(law, "float64")
    expected = n * p32 + _pairs_expected(n, q)
    verdict = stats.excess_events(
        as_float32 + pairs,
        expected,
        FIXED_ALPHA,
        "float32 numbers and coinciding pairs among float64 values",
        f"{as_float32} of {n} values are float32 numbers ({as_float32 / n:.3%}; a conforming "
        f"port: at most {n * p32:.3g}), {pairs} pairs coincide (at most "
        f"{_pairs_expected(n, q):.3g}); {distinct} distinct values",
    )
    causes = []
    if as_float32 > n // 2:
        causes.append(
            f"float64 output computed in float32 and cast: {as_float32 / n:.2%} of the values "
            f"are float32 numbers"
        )
    elif pairs > 10 * _pairs_expected(n, q) + 10:
        causes.append(
            f"float64 values on a coarse grid: {pairs} coinciding pairs, about "
            f"{math.log2(max(_pairs_expected(n, 1.0) / pairs, 1.0)):.0f} bits of resolution "
            f"(uniforms drawn in float32, or fewer bits, and scaled in float64)"
        )
    judge(
        "precision",
        f"{identifier}: float64 output without float64 precision",
        ctx=ctx,
        verdicts=[verdict],
        law=law,
        sample=_flat(sample),
        expected=f"{law.formula} in float64: a value is a float32 number with probability "
        f"<= {p32:.3g} (2^-29 = {2**-29:.3g} away from 0), two values coincide with "
        f"probability <= {q:.3g}",
        observed=f"{sample.summary()}; {as_float32} float32 numbers, {pairs} coinciding "
        f"pairs, {distinct} distinct values",
        causes=causes + _recycling(sample.values),
    )


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_repeats(identifier):
    """Distinct values and repeats in float32 as the law in float32 implies.

    Two float32 values of the law coincide with probability ``q = Σ p_v²``, about
    ``∫ pdf² · ulp`` (``reference.resolution.collision_probability``: 1.4e-8 for a
    normal, 2,000 pairs among 524,288 values); a conforming generator may draw from a
    grid of 2^-23 (JAX; torch 2^-24), which the bound ``ℓ + eps + √(ℓ·eps)`` allows
    (about 2.4e-7, 32,000 pairs; JAX has 16,500). One-sided Poisson test of the pairs
    against that bound: a generator of 1,024 levels makes 1.3e8 pairs, a block of 1,000
    values repeated makes 1.4e8, a generator of 2^20 levels 131,000.
    """
    ctx, law, sample = _draw(identifier, "structure", "float32", STRUCTURE_CALLS)
    x = sample.values.ravel()
    n = x.size
    pairs, distinct = stats.coinciding_pairs(x)
    q_law = resolution.collision_probability(law, "float32")
    q = resolution.repeat_bound(law, "float32")
    verdict = stats.excess_events(
        pairs,
        _pairs_expected(n, q),
        FIXED_ALPHA,
        "coinciding pairs among float32 values",
        f"{pairs} pairs coincide, {distinct} distinct values of {n}; the law in float32: "
        f"{_pairs_expected(n, q_law):.4g} pairs, a conforming generator at most "
        f"{_pairs_expected(n, q):.4g}",
    )
    causes = _recycling(sample.values)
    if not causes and pairs > 10 * _pairs_expected(n, q):
        causes.append(
            f"values on a coarse grid: as many coinciding pairs as {1 / (pairs / (n * (n - 1) / 2)):.4g} "
            f"equally likely values would make (about "
            f"{math.log2(n * (n - 1) / 2 / pairs):.1f} bits; the law in float32 has "
            f"{math.log2(1 / q_law):.1f}); {distinct} distinct values of {n}"
        )
    judge(
        "repeats",
        f"{identifier}: float32 values repeat more often than the law allows",
        ctx=ctx,
        verdicts=[verdict],
        law=law,
        sample=_flat(sample),
        expected=f"{law.formula} in float32: two values coincide with probability "
        f"{q_law:.3g} (the law rounded to float32), at most {q:.3g} for a generator on a "
        f"grid of 2^-23",
        observed=f"{sample.summary()}; {distinct} distinct values, {pairs} coinciding pairs",
        causes=causes,
    )


def _samples(identifier: str) -> dict:
    """``{dtype: (ctx, law, sample)}``: float32's 4 outputs (shared with test_repeats), and
    one output of STRUCTURE_SHAPE in each other floating dtype the adapter supports."""
    return each_dtype.each(
        lambda dtype: _draw(
            identifier, "structure", dtype, STRUCTURE_CALLS if dtype == "float32" else OTHER_CALLS
        )
    )


def _tail_probability(law: Normal, dtype: str) -> float:
    """The law's mass beyond mean ± TAIL std, in ``dtype`` (exact for a 16-bit dtype's
    rounded law, whose values near the threshold move across it)."""
    exact = dtypes.in_dtype(law, dtype)
    if isinstance(exact, dtypes.Rounded):
        return float(exact.probability(np.abs(exact.values - law.loc) > TAIL * law.scale))
    return float(2 * law.dist.sf(law.loc + TAIL * law.scale))


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_moments(identifier):
    """Skewness and kurtosis as the law's, and (untruncated normals) the mass beyond
    3 std: a Student-t or a mixture of normals with the right mean and std passes
    test_scale, test_law and the probes' KS and CvM; with ``ν = 100`` its kurtosis is
    3.06, 9 standard errors above 3 at 524,288 values (power 0.9999). In every floating
    dtype the adapter supports (float32: 4 outputs; others: 1, 131,072 values; a 16-bit
    dtype's rounding moves the kurtosis by about 1e-5 of its standard error, and the tail's
    mass is the rounded law's): each test is one family of the dtypes (Bonferroni)."""
    drawn = _samples(identifier)
    ctx, law, sample = drawn["float32"]
    shape_tests, tail_tests = [], []
    for dtype, (_, _, s) in drawn.items():
        x = s.values.ravel()
        shape_tests.append((dtype, stats.skewness_kurtosis(x, law, FIXED_ALPHA)))
        if isinstance(law, Normal):
            beyond = int(np.count_nonzero(np.abs(x - law.loc) > TAIL * law.scale))
            p0 = _tail_probability(law, dtype)
            what = f"beyond mean ± {TAIL:g} std in {dtype}"
            tail_tests.append((dtype, stats.count(beyond, x.size, p0, FIXED_ALPHA, what)))
    families = [("skewness and kurtosis", shape_tests), (f"mass beyond {TAIL:g} std", tail_tests)]
    verdicts = [
        dependence.family(tests, FIXED_ALPHA, f"{what}, {len(tests)} dtype(s)")
        for what, tests in families
        if tests
    ]
    failing = [
        t for (_, tests), v in zip(families, verdicts, strict=False) if not v.passed for t in tests
    ]
    if failing:  # the failure shows the case of its worst dtype (a 16-bit path, say)
        ctx, _, sample = drawn[min(failing, key=lambda dv: dv[1].pvalue)[0]]
    causes = []
    if not verdicts[0].passed:
        dtype = min(shape_tests, key=lambda dv: dv[1].pvalue)[0]
        x = drawn[dtype][2].values.ravel()
        d = x - x.mean()
        kurtosis = float(np.mean(d**4) / np.mean(d**2) ** 2)
        law_kurtosis = stats.central_moments(law)[1] / stats.central_moments(law)[0] ** 2
        if kurtosis > law_kurtosis:
            causes.append(
                f"tails heavier than the law's (kurtosis {kurtosis:.4f} > "
                f"{law_kurtosis:.4f}, in {dtype}): a Student-t or a scale mixture of normals of the right std"
            )
        else:
            causes.append(
                f"tails lighter than the law's (kurtosis {kurtosis:.4f} < "
                f"{law_kurtosis:.4f}, in {dtype}): a truncated or bounded law, or a sum of few uniforms"
            )
    x = sample.values.ravel()
    judge(
        "moments",
        f"{identifier}: the law's shape (tails) differs from the spec",
        ctx=ctx,
        verdicts=verdicts,
        law=law,
        sample=_flat(sample),
        observed=f"{sample.summary()} ({ctx.dtype}); drawn in {', '.join(drawn)}",
        causes=diagnose(ctx, law, x, current().edition) + causes if causes else None,
    )


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_serial_dependence(identifier):
    """Neighbouring values are independent, linear or not: the quantile cell (of 8) of
    each value is independent of its predecessor's, along rows and along columns (the
    transitions' chi-square, Anderson-Goodman, 49 degrees of freedom over about 524,000
    transitions each way). A sign set by the previous value's size has zero correlation
    and a chi-square of hundreds of thousands; an AR(1) of ρ = 0.05 along the rows a
    noncentrality of 1,170 there (``benchmarks/new_checks.py``). The cells are those
    of the randomised PIT (``stats.randomized_pit``), exactly uniform and independent
    under the law in any dtype: the test's null is one law, whose rejection probability
    ``benchmarks/fixed_tier.py`` computes. In every floating dtype the adapter supports,
    rows and columns apart: one family of the directions and dtypes (Bonferroni)."""
    drawn = _samples(identifier)
    ctx, law, sample = drawn["float32"]

    def directions(ctx, s):
        u = stats.randomized_pit(s.values, law, ctx.dtype, ctx.config["seed"])
        codes = stats.quantile_codes(u, BINS)
        rows = codes.reshape(codes.shape[0], -1)
        columns = codes.transpose(0, 2, 1).reshape(codes.shape[0], -1)
        return {"rows": rows, "columns": columns}

    tests = [
        (dtype, along, stats.serial_independence([seq], BINS, FIXED_ALPHA, f"{along} in {dtype}"))
        for dtype, (c, _, s) in drawn.items()
        for along, seq in directions(c, s).items()
    ]
    verdict = dependence.family(
        [(f"{along} in {dtype}", v) for dtype, along, v in tests],
        FIXED_ALPHA,
        f"rows and columns, {len(drawn)} dtype(s)",
    )
    causes = []
    if not verdict.passed:  # where: each direction's share (no alpha spent on these)
        dtype = min(tests, key=lambda t: t[2].pvalue)[0]
        ctx, _, sample = drawn[dtype]  # the failure shows its worst dtype's case
        causes.append(
            "each value depends on its neighbour "
            + ", ".join(
                f"along {along}: chi-square {v.statistic:.4g}, p={v.pvalue:.3g}"
                for d, along, v in tests
                if d == dtype
            )
            + f" ({(BINS - 1) ** 2} degrees each, in {dtype}); its correlation may still be 0 (a sign set by "
            "the previous value's size, dependent magnitudes)"
        )
    judge(
        "independence",
        f"{identifier}: neighbouring values are dependent",
        ctx=ctx,
        verdicts=[verdict],
        law=law,
        sample=_flat(sample),
        expected=f"{law.formula}, independent entries: a value's cell of the law's {BINS} "
        f"quantiles independent of its neighbour's",
        observed=f"{sample.summary()} ({ctx.dtype}); transitions along rows and along columns "
        f"of each output, in {', '.join(drawn)}",
        causes=causes,
    )


@pytest.mark.parametrize("identifier", ELEMENTWISE)
def test_long_range_dependence(identifier):
    """No linear dependence at any lag: the flattened outputs (float32's 4, concatenated:
    524,288 values; one output in each other dtype), read as the normal scores of the
    randomised PIT (exactly i.i.d. N(0, 1) under the law: each test's null is exact or
    bounded), are white noise by Bartlett's cumulative periodogram, by the largest
    self-normalised lag sum over every lag, and by the law of the periodogram's ordinates
    (``conformance/spectral.py``). A block repeated at a fixed
    period, halves that mirror each other, or a correlation of 0.05 at a lag far from the
    diagonal have independent neighbours and the right law, and fail here (power against
    ρ = 0.05 at the worst lag: 1 - 2e-8 on 131,072 values, ``spectral.lag_power``). One family
    of the three tests in every dtype (Bonferroni): one test per initializer. Costs five
    FFT of each sample the other structure checks drew (about 0.2 s per initializer)."""
    drawn = _samples(identifier)
    ctx, law, sample = drawn["float32"]
    spectra = {
        dtype: spectral.spectrum(stats.gaussianized(s.values, law, dtype, c.config["seed"]))
        for dtype, (c, _, s) in drawn.items()
    }
    tests = [
        (dtype, name, test(spectra[dtype], FIXED_ALPHA, dtype))
        for dtype in drawn
        for name, test in (
            ("Bartlett", spectral.bartlett),
            ("lags", spectral.lag_correlations),
            ("ordinates", spectral.ordinate_dispersion),
        )
    ]
    verdict = dependence.family(
        [(f"{name} in {dtype}", v) for dtype, name, v in tests],
        FIXED_ALPHA,
        f"white noise, {len(drawn)} dtype(s)",
    )
    causes = []
    if not verdict.passed:
        dtype, name, worst = min(tests, key=lambda t: t[2].pvalue)
        ctx, _, sample = drawn[dtype]  # the failure shows its worst dtype's case
        causes.append(
            f"values linearly dependent at some lag ({name} in {dtype}: {worst.effect}): a block "
            f"repeated at a fixed period, halves that mirror each other, a correlation at a long "
            f"lag, or a filtered stream"
        )
    judge(
        "independence",
        f"{identifier}: the flattened output is not white noise",
        ctx=ctx,
        verdicts=[verdict],
        law=law,
        sample=_flat(sample),
        expected=f"{law.formula}, independent entries: a flat spectrum, no correlation at any "
        f"lag, periodogram ordinates i.i.d. exponential",
        observed=f"{sample.summary()} ({ctx.dtype}, flattened); drawn in {', '.join(drawn)}",
        causes=causes,
    )
