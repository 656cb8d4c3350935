"""Edge values of the input space, as the spec decides them (SPEC.md, decision 13).

The Hypothesis tier draws shapes of positive sides and spreads of positive size; a port
meets the edges anyway: an empty layer (a zero-width dimension), a frozen weight
(``stddev=0``, ``minval == maxval``, ``gain=0``), a constant too large for a 16-bit
dtype, a ``-0.0``, the largest seed. For every initializer the edges apply to:

* :func:`test_empty_shape`: a shape with a zero dimension gives an empty array of that
  shape and dtype (or the ``ValueError`` of the initializer's shape rules: Orthogonal
  below rank 2, Identity not square), never an error from a fan of 0;
* :func:`test_zero_spread`: ``stddev=0`` (RandomNormal, TruncatedNormal) and
  ``minval == maxval`` (RandomUniform) give the constant, never NaN;
* :func:`test_zero_gain`: Orthogonal and Identity with ``gain=0`` give zeros;
* :func:`test_constant_overflow`: Constant values beyond a 16-bit dtype's range give ±inf,
  as IEEE 754 rounds (and the largest finite value just below the rounding threshold);
* :func:`test_signed_zero`: ``Constant(-0.0)`` is ``-0.0`` and ``Zeros`` is ``+0.0``;
* :func:`test_largest_seed`: seed 2^32 - 1 is accepted, reproducible, and its own stream
  (not that of 2^32 - 2, nor of 2^31 - 1, which a seed cut to 31 bits would give).

Every check is exact: none can fail a conforming port, none spends alpha. The calls are
small (at most 16×16 values): the module costs about a second on the reference.
"""

from __future__ import annotations

import numpy as np
import pytest

from initializer_conformance.conformance import properties, streams
from initializer_conformance.conformance.assertions import assert_exact, assert_orthogonal, fail
from initializer_conformance.conformance.errors import assert_value_error
from initializer_conformance.conformance.identifiers import ALL, RANDOM
from initializer_conformance.conformance.sampling import (
    Context,
    Unsupported,
    as_output,
    call,
    make,
)
from initializer_conformance.conformance.strategies import FLOAT_DTYPES
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.base import MAX_SEED

PROPERTY = properties.EDGES

#: Shapes with a zero dimension: rank 2 first (where a fan of 0 is met), then a conv
#: kernel, a square (0, 0) (Identity's one empty shape) and rank 1.
EMPTY_SHAPES = [(0, 3), (3, 0), (2, 0, 5), (0, 0), (0,)]


def _config(identifier: str, index: int) -> dict:
    if identifier not in RANDOM:
        return {}
    return {"seed": streams.seed("edges", 10 * ALL.index(identifier) + index)}


def _raw(identifier: str, config: dict, shape, dtype: str):
    """``(output, None)`` or ``(None, "ExceptionType: message")``: the adapter's output
    as numpy sees it, unchecked (an overflow is ±inf, which ``as_output`` rejects), or
    what the adapter raised (``NotImplementedError`` is unsupported, as everywhere)."""
    try:
        return np.asarray(call(make(identifier, config), identifier, config, shape, dtype)), None
    except Exception as error:  # the adapter's exceptions; skips and faults pass through
        return None, f"{type(error).__name__}: {error}"


def _expect_array(ctx: Context, out, raised: str | None, what: str) -> np.ndarray:
    """The output, which must be an array of the context's shape and dtype."""
    __tracebackhide__ = True
    if raised is not None:
        fail(
            "edges",
            f"{ctx.identifier}: {what}: the call raised",
            ctx=ctx,
            expected=f"{what}: an array of shape {ctx.shape} and dtype {ctx.dtype}",
            observed=f"raised {raised}",
        )
    try:
        array = as_output(out, ctx.shape, ctx.call())
    except AssertionError as error:  # NaN, Inf, a wrong shape: said in the one format
        fail(
            "edges",
            f"{ctx.identifier}: {what}: not an array of finite values of the shape",
            ctx=ctx,
            expected=f"{what}: an array of shape {ctx.shape} and dtype {ctx.dtype}",
            observed=str(error),
        )
    if array.dtype != dtypes.resolve(ctx.dtype):
        fail(
            "edges",
            f"{ctx.identifier}: {what}: wrong dtype",
            ctx=ctx,
            expected=f"an array of dtype {ctx.dtype}",
            observed=f"dtype {array.dtype}",
        )
    return array


@pytest.mark.parametrize("identifier", ALL)
def test_empty_shape(identifier):
    """A shape with a zero dimension: an empty array of that shape and dtype where the
    initializer's shape rules accept the shape (its ``ValueError`` elsewhere: Orthogonal
    below rank 2, Identity not square in edition keras2), in float32, and for (0, 3) in
    every floating dtype. A fan-scaled initializer divides by fans of at least 1, never by
    a fan of 0 (SPEC.md, decision 3)."""
    cases = [(shape, "float32") for shape in EMPTY_SHAPES]
    cases += [(EMPTY_SHAPES[0], dtype) for dtype in FLOAT_DTYPES if dtype != "float32"]
    for shape, dtype in cases:
        config = _config(identifier, 0)
        ctx = Context(identifier, config, shape, dtype)
        try:
            ctx.law()
        except ValueError as error:
            assert_value_error(identifier, config, shape, dtype, f"the spec: {error}")
            continue
        try:
            out, raised = _raw(identifier, config, shape, dtype)
        except Unsupported:
            if dtype == "float32":
                raise
            continue  # a dtype the adapter lacks: the float32 cases stand
        _expect_array(ctx, out, raised, f"the empty shape {shape}")


#: The degenerate laws: (identifier, config, the constant every entry equals).
ZERO_SPREAD = {
    "RandomNormal": ({"mean": 0.3, "stddev": 0.0}, 0.3),
    "TruncatedNormal": ({"mean": -1.5, "stddev": 0.0}, -1.5),
    "RandomUniform": ({"minval": 0.3, "maxval": 0.3}, 0.3),
}


@pytest.mark.parametrize("identifier", ZERO_SPREAD)
def test_zero_spread(identifier):
    """``stddev=0`` (RandomNormal, TruncatedNormal) and ``minval == maxval`` (RandomUniform):
    every entry is the constant, rounded to the dtype, in every floating dtype; not NaN
    (a truncation bound standardized as ``(a - mean) / stddev`` is 0/0), not an error."""
    knobs, value = ZERO_SPREAD[identifier]
    for dtype in FLOAT_DTYPES:
        config = {**knobs, **_config(identifier, 1)}
        ctx = Context(identifier, config, (4, 8), dtype)
        try:
            out, raised = _raw(identifier, config, ctx.shape, dtype)
        except Unsupported:
            if dtype == "float32":
                raise
            continue
        array = _expect_array(ctx, out, raised, f"the constant {value}")
        assert_exact(array, np.full(ctx.shape, value), ctx, f"every entry == {value} ({knobs})")


@pytest.mark.parametrize("identifier", ["Orthogonal", "Identity"])
def test_zero_gain(identifier):
    """``gain=0``: zeros (of either sign), in float32 and float64; Orthogonal on a tall, a
    wide and a square shape."""
    shapes = [(5, 3), (3, 5), (4, 4)] if identifier == "Orthogonal" else [(4, 4)]
    for shape in shapes:
        for dtype in ("float32", "float64"):
            config = {"gain": 0.0, **_config(identifier, 2)}
            ctx = Context(identifier, config, shape, dtype)
            out, raised = _raw(identifier, config, shape, dtype)
            array = _expect_array(ctx, out, raised, "zeros")
            if identifier == "Orthogonal":
                assert_orthogonal(array, ctx.law(), ctx)
            else:
                assert_exact(array, np.zeros(shape), ctx, "0·eye, every entry 0")


#: (value, dtype): beyond the range (±inf), at the rounding threshold (inf), just below it
#: (the largest finite value), in float16; beyond float32's range in bfloat16.
OVERFLOW = [
    (1e5, "float16"),
    (-1e5, "float16"),
    (65520.0, "float16"),
    (65519.0, "float16"),
    (1e39, "bfloat16"),
    (-1e39, "bfloat16"),
]


@pytest.mark.parametrize(
    "value, dtype", OVERFLOW, ids=lambda v: f"{v:g}" if isinstance(v, float) else v
)
def test_constant_overflow(value, dtype):
    """``Constant(value)`` beyond a 16-bit dtype's range: ±inf, as IEEE 754 round-to-nearest
    (and numpy) converts; just below the threshold, the largest finite value. Neither an
    error nor a value saturated at the largest finite one (SPEC.md, decision 13)."""
    config = {"value": value}
    ctx = Context("Constant", config, (2, 3), dtype)
    with np.errstate(over="ignore"):
        want = np.asarray(ctx.law().array).astype(dtypes.resolve(dtype))
    out, raised = _raw("Constant", config, ctx.shape, dtype)
    if raised is not None or out.shape != ctx.shape or out.dtype != want.dtype:
        fail(
            "edges",
            f"Constant: {value:g} in {dtype}",
            ctx=ctx,
            expected=f"an array of {want.ravel()[0]!r} (IEEE 754 rounding to {dtype})",
            observed=f"raised {raised}"
            if raised is not None
            else f"shape {out.shape}, dtype {out.dtype}",
        )
    if not np.array_equal(out.astype(np.float64), want.astype(np.float64)):
        fail(
            "edges",
            f"Constant: {value:g} in {dtype} is not {want.ravel()[0]!r}",
            ctx=ctx,
            expected=f"every entry {want.ravel()[0]!r} (IEEE 754 rounding to {dtype})",
            observed=f"entries {np.unique(out.astype(np.float64)).tolist()}",
        )


@pytest.mark.parametrize("identifier", ["Constant", "Zeros"])
def test_signed_zero(identifier):
    """``Constant(-0.0)`` is ``-0.0`` (sign bit set) and ``Zeros`` is ``+0.0`` in every
    floating dtype: where the spec gives the value, its sign is part of it (a port that
    fills with ``abs(value)`` or ``value + 0.0`` loses it)."""
    config = {"value": -0.0} if identifier == "Constant" else {}
    negative = identifier == "Constant"
    for dtype in FLOAT_DTYPES:
        ctx = Context(identifier, config, (2, 3), dtype)
        if negative:
            # +0.0 first, as a model makes it before any -0.0: a cache keyed by the value
            # (-0.0 == 0.0 and hash alike: tensorflow's scalar cache) then returns +0.0 in
            # every run, not only in runs where an earlier check happened to make 0.0
            _raw(identifier, {"value": 0.0}, ctx.shape, dtype)
        out, raised = _raw(identifier, config, ctx.shape, dtype)
        array = _expect_array(ctx, out, raised, "signed zeros")
        signs = np.signbit(array.astype(np.float64))
        if not (np.all(array.astype(np.float64) == 0) and np.all(signs == negative)):
            fail(
                "edges",
                f"{identifier}: the sign of zero is lost",
                ctx=ctx,
                expected=f"every entry {'-0.0' if negative else '+0.0'}",
                observed=f"{int(np.count_nonzero(signs != negative))} of {array.size} entries "
                f"have the other sign; values {np.unique(array.astype(np.float64)).tolist()}",
            )


@pytest.mark.parametrize("identifier", RANDOM)
def test_largest_seed(identifier):
    """Seed ``2^32 - 1``, the spec's largest (SPEC.md, decision 9): accepted; two instances
    made with it return identical values; they differ from seed ``2^32 - 2``'s and from
    seed ``2^31 - 1``'s (the same seed cut to 31 bits, or saturated at int32's maximum)."""
    shape = (8, 8)
    outputs = {}
    for seed in (MAX_SEED, MAX_SEED, MAX_SEED - 1, 2**31 - 1):
        config = {"seed": seed}
        ctx = Context(identifier, config, shape, "float32")
        out, raised = _raw(identifier, config, shape, "float32")
        array = _expect_array(ctx, out, raised, f"seed {seed}")
        if seed in outputs and not np.array_equal(outputs[seed], array):
            fail(
                "seeds",
                f"{identifier}: seed {seed}, different values",
                ctx=ctx,
                expected="identical arrays from two instances made with one seed",
                observed=f"{int((outputs[seed] != array).sum())} of {array.size} entries differ",
            )
        outputs.setdefault(seed, array)
    for other in (MAX_SEED - 1, 2**31 - 1):
        if np.array_equal(outputs[MAX_SEED], outputs[other]):
            fail(
                "seeds",
                f"{identifier}: seeds {MAX_SEED} and {other} give identical values",
                ctx=Context(identifier, {"seed": [MAX_SEED, other]}, shape, "float32"),
                expected=f"seed {MAX_SEED} (2^32 - 1, in the spec) its own stream",
                observed="identical arrays: the seed is cut or saturated below 32 bits",
            )
