"""Hypothesis strategies for the suite: shapes, config knobs, dtypes, seeds.

A :class:`Case` holds a value (or ``None``: "left out, the spec's default applies")
for *every* config knob of the spec; ``case.config(identifier)`` keeps the knobs
that initializer takes. So one strategy serves every initializer, and edge cases
can be pinned with ``@example(case=Case(...))`` for all of them at once.
"""

from __future__ import annotations

import contextlib
import inspect
import math
from dataclasses import dataclass, field

from hypothesis import example
from hypothesis import strategies as st

from initializer_conformance import reference
from initializer_conformance.conformance.run import current
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.variance_scaling import MODES

#: Every floating dtype of the spec, each law-tested (a 16-bit dtype against the law rounded
#: to its values: reference/dtypes.py).
FLOAT_DTYPES = dtypes.FLOATS
INT_DTYPES = dtypes.INTS

seeds = st.integers(min_value=0, max_value=2**31 - 1)


@contextlib.contextmanager
def drawn_from_the_seed_only():
    """Within it, Hypothesis draws from its seed and the strategies alone.

    Hypothesis (6.131 and later) mixes the literals of "local" modules into 5 % of its
    draws: every module loaded from outside site-packages that is not a test file. So the
    cases of one conformance seed depended on where the suite was installed (a checkout's
    modules are local, an installed suite's are not), on the port's own code, and on which
    modules the process had loaded (the calibration audit drew other stddevs than a run).
    A run's cases must be a function of its seed: the local constants are emptied (a
    private hook of Hypothesis; its tests, tests/test_calibration.py, fail if it moves)."""
    from hypothesis.internal.conjecture import providers

    original = providers._get_local_constants
    empty = providers.Constants(
        integers=providers.SortedSet(),
        floats=providers.SortedSet(key=providers.float_to_int),
        bytes=providers.SortedSet(),
        strings=providers.SortedSet(),
    )
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()


def parameters(identifier: str) -> tuple[str, ...]:
    """The config keys ``identifier`` accepts (its Keras signature)."""
    name = reference.canonical_name(identifier, current().edition)
    factory = reference.CLASSES.get(name) or reference.FUNCTIONS[name]
    return tuple(
        p.name
        for p in inspect.signature(factory).parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD
    )


@dataclass(frozen=True)
class Case:
    """One drawn configuration: knobs, shape, dtype and seed."""

    shape: tuple[int, ...]
    dtype: str = "float32"
    seed: int = 0
    knobs: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # only the knobs that are set: a short, evaluable example
        knobs = {k: v for k, v in self.knobs.items() if v is not None}
        return (
            f"Case(shape={self.shape!r}, dtype={self.dtype!r}, seed={self.seed}, knobs={knobs!r})"
        )

    def config(self, identifier: str) -> dict:
        """The constructor kwargs for ``identifier``: its knobs that are set, and the seed."""
        accepted = parameters(identifier)
        config = {k: v for k, v in self.knobs.items() if k in accepted and v is not None}
        if "seed" in accepted:
            config["seed"] = self.seed
        return config


def _maybe(strategy):
    """A knob: left out (``None``, so the default is tested) or set."""
    return st.one_of(st.none(), strategy)


_LOW = st.floats(-10, 10, allow_subnormal=False)
_WIDTH = st.floats(1e-3, 20)


@st.composite
def uniform_bounds(draw):
    """``(minval, maxval)`` with ``minval < maxval`` by a margin float32 can resolve."""
    low = draw(_LOW)
    width = draw(_WIDTH) * max(1.0, abs(low))
    return low, low + width


# The knobs' strategies, built (and validated by Hypothesis) once, not at every draw.
_BOUNDS = _maybe(uniform_bounds())
_MEAN = _maybe(st.floats(-10, 10, allow_subnormal=False))
_STDDEV = _maybe(st.floats(1e-3, 10))
_SCALE = _maybe(st.floats(0.01, 100))
_MODE = _maybe(st.sampled_from(sorted(MODES)))
_GAIN = _maybe(st.floats(0.1, 10))
_VALUE = _maybe(st.floats(-100, 100, allow_subnormal=False))
_DISTRIBUTIONS: dict = {}  # edition name -> its strategy


def _distribution():
    edition = current().edition
    if edition.name not in _DISTRIBUTIONS:
        names = sorted(edition.variance_scaling_distributions)
        _DISTRIBUTIONS[edition.name] = _maybe(st.sampled_from(names))
    return _DISTRIBUTIONS[edition.name]


@st.composite
def knobs(draw):
    """Every config knob of the spec, each set or left out."""
    bounds = draw(_BOUNDS)
    minval, maxval = bounds if bounds else (None, None)
    mean = draw(_MEAN)
    stddev = draw(_STDDEV)
    if mean is not None and stddev is not None:
        stddev = max(stddev, abs(mean) / 1000)  # keep float32 able to resolve the spread
    return {
        "mean": mean,
        "stddev": stddev,
        "minval": minval,
        "maxval": maxval,
        "scale": draw(_SCALE),
        "mode": draw(_MODE),
        "distribution": draw(_distribution()),
        "gain": draw(_GAIN),
        "value": draw(_VALUE),
    }


#: The shapes the element-wise checks draw. A deliberate palette, not every side: a
#: framework that compiles per shape (JAX, Keras on JAX) compiles each once per dtype, and a
#: shape's output size sets the calls an example makes (20,000 values from at most 64
#: calls), which is what a slow framework pays for (tinygrad: 0.05-0.35 s a call). Every
#: case the drawn shapes stood for is kept: every rank 0-8; sides of 1 (an all-ones shape, a
#: row, a kernel of size 1); rank 1 of an even and of an odd (prime) length; dense kernels
#: tall and wide (fan_in != fan_out both ways, by 4x and 32x); conv kernels of ranks 3-8
#: with receptive fields > 1 and in != out; outputs of odd size (a sampler that draws in
#: pairs must still fill the last value); sides above 64. Each shape holds at most
#: :data:`MAX_SIZE` elements. A failure shrinks towards the first shape, a dense kernel
#: (Hypothesis also draws the first entry more often than the others, so the 64-call
#: shapes, rank 0 and 1x1, come last). The pinned examples (:data:`ELEMENTWISE_EXAMPLES`,
#: :data:`FAN_EXAMPLES`) come on top.
SHAPES = (
    (64, 16),  # dense, tall
    (16, 64),  # dense, wide
    (256, 8),  # dense, 32x taller than wide
    (8, 256),
    (1, 2000),  # dense, a side of 1: fan_in 1
    (300,),  # rank 1: fans (n, n)
    (4099,),  # rank 1, odd (prime) length
    (5, 25, 39),  # conv1d kernel, odd size (4,875)
    (1, 40, 24),  # conv1d kernel of size 1: receptive field 1
    (3, 3, 16, 32),  # conv2d kernel
    (1, 5, 16, 24),  # conv2d kernel 1x5
    (4, 4, 2, 16),  # conv2d kernel, sides <= 16
    (2, 3, 3, 4, 10),  # conv3d kernel
    (3, 3, 1, 5, 7, 9),  # rank 6, odd size (2,835)
    (2, 1, 3, 2, 1, 12, 20),  # rank 7, sides of 1 in the receptive field
    (2, 2, 1, 2, 2, 3, 8, 5),  # rank 8
    (1, 1),  # every side 1
    (),  # rank 0: fans (1, 1)
)

#: Largest output the strategies ask for, in elements.
MAX_SIZE = 1 << 16

#: The highest rank drawn. The spec's fans hold for every rank >= 3 (SPEC.md, "Fans").
MAX_RANK = 8


def _fans_matter(shape: tuple[int, ...]) -> bool:
    """Whether every fan mistake changes the law on ``shape``: rank 1 of n >= 2, in != out
    at rank >= 2, a receptive field > 1 at rank >= 3."""
    if len(shape) == 1:
        return shape[0] >= 2
    if len(shape) < 2 or shape[-2] == shape[-1]:
        return False
    return len(shape) == 2 or math.prod(shape[:-2]) > 1


#: test_fans' palette: the shapes of :data:`SHAPES` where every fan mistake changes the law.
FAN_SHAPES = tuple(s for s in SHAPES if _fans_matter(s))

#: Orthogonal's palette, ranks 2-4 flattened as (prod(shape[:-1]), shape[-1]): 1x1, tall,
#: wide, square (odd and even), a row and a column of one, sides above 48; the pinned
#: :data:`MATRIX_EXAMPLES` among them.
MATRIX_SHAPES = (
    (1, 1),
    (3, 5),
    (5, 3),
    (1, 8),
    (16, 16),
    (33, 33),
    (64, 8),
    (8, 64),
    (3, 3, 2),
    (2, 3, 4),
    (2, 2, 3, 7),
    (3, 1, 2, 16),
)


def _cut(shape: tuple[int, ...], max_side: int | None) -> tuple[int, ...]:
    return shape if max_side is None else tuple(min(side, max_side) for side in shape)


def shapes(min_rank: int = 0, max_rank: int = MAX_RANK, max_side: int | None = None):
    """Shapes of :data:`SHAPES` of rank ``min_rank``..``max_rank``; with ``max_side``, each
    side above it is cut to it (the same ranks and layouts, smaller outputs)."""
    palette = [_cut(s, max_side) for s in SHAPES if min_rank <= len(s) <= max_rank]
    return st.sampled_from(list(dict.fromkeys(palette)))


def fan_shapes():
    """Shapes where every fan mistake changes the law (:data:`FAN_SHAPES`): ranks 1-8,
    ``in != out`` at rank >= 2, receptive field > 1 at rank >= 3."""
    return st.sampled_from(FAN_SHAPES)


def matrix_shapes():
    """Shapes of rank 2-4 for Orthogonal (:data:`MATRIX_SHAPES`): tall, wide and square."""
    return st.sampled_from(MATRIX_SHAPES)


def cases(shape_strategy=None, dtypes=FLOAT_DTYPES):
    """Full cases: shape, dtype, seed and knobs. The dtypes are drawn with float32 (Keras's
    default) first, which is where Hypothesis shrinks a failure that float32 shows too: the
    minimal example is in the dtype ports are written for, and its law is continuous (a
    16-bit sample of 20,000 values fits no continuous law of the bug catalogue, so the
    failure would name no likely cause)."""
    return st.builds(
        Case,
        shape=shape_strategy if shape_strategy is not None else shapes(),
        dtype=st.sampled_from(sorted(dtypes, key=lambda d: d != "float32")),
        seed=seeds,
        knobs=knobs(),
    )


# -- pinned examples: edge cases every property test runs first (never shrunk) ----------------


def pinned(*examples: Case):
    """Decorator: run ``examples`` (as ``@example(case=...)``) before the drawn cases."""

    def decorate(test):
        for case in reversed(examples):
            test = example(case=case)(test)
        return test

    return decorate


#: The element-wise checks (law, scale, bounds): a 1x1 output, a conv kernel, tall and
#: wide matrices in the 16-bit dtypes, a scalar, a float64 rank-3 output.
ELEMENTWISE_EXAMPLES = (
    Case((1, 1), seed=1),
    Case((3, 3, 16, 32), seed=2),
    Case((256, 8), "float16", seed=3),
    Case((8, 256), "bfloat16", seed=4),
    Case((), seed=5),
    Case((5, 7, 3), "float64", seed=6),
)

#: test_fans: fan_in != fan_out both ways, conv kernels of ranks 3-5 and 7, rank 1, and the
#: smallest kernel with an odd sum of fans (integer division of fan_avg changes it most).
FAN_EXAMPLES = (
    Case((3, 3, 16, 32), seed=11),
    Case((64, 16), seed=12),
    Case((16, 64), seed=13),
    Case((5, 25, 39), seed=14),
    Case((2, 3, 3, 4, 10), seed=15),
    Case((300,), seed=16),
    Case((2, 1, 3, 2, 1, 12, 20), seed=17),
    Case((1, 2), seed=18),  # fans (1, 2): the only odd sum of fans the catalogue needs
)

#: test_fans pools up to this many calls: a (1, 2) kernel then gives 384 values, where the
#: variance test sees fan_avg's integer division (std x1.22) with power >= 0.9 (asserted
#: by tests/test_palette.py); every other fan shape reaches 20,000 values within 67 calls.
FAN_MAX_CALLS = 192

#: Orthogonal: 1x1, tall, wide, square float64, ranks 3 (flattened).
MATRIX_EXAMPLES = (
    Case((1, 1), seed=21),
    Case((64, 8), seed=22),
    Case((8, 64), seed=23),
    Case((16, 16), "float64", seed=24),
    Case((3, 3, 2), seed=25),
    Case((2, 3, 4), seed=26),
)
