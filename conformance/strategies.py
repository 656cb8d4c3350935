"""Hypothesis strategies for the suite: shapes, config knobs, dtypes, seeds.

A :class:`Case` holds a value (or ``None``: "left out, the spec's default applies")
for *every* config knob of the spec; ``case.config(identifier)`` keeps the knobs
that initializer takes. So one strategy serves every initializer, and edge cases
can be pinned with ``@example(case=Case(...))`` for all of them at once.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field

from hypothesis import example
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

from initializer_conformance import reference
from initializer_conformance.conformance.run import current
from initializer_conformance.reference import dtypes
from initializer_conformance.reference.variance_scaling import MODES

#: Every floating dtype of the spec, each law-tested (a 16-bit dtype against the law rounded
#: to its values: reference/dtypes.py).
FLOAT_DTYPES = dtypes.FLOATS
INT_DTYPES = ("int32", "int64")

#: Largest output the strategies ask for, in elements.
MAX_SIZE = 1 << 16

seeds = st.integers(min_value=0, max_value=2**31 - 1)


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


@st.composite
def uniform_bounds(draw):
    """``(minval, maxval)`` with ``minval < maxval`` by a margin float32 can resolve."""
    low = draw(st.floats(-10, 10, allow_subnormal=False))
    width = draw(st.floats(1e-3, 20)) * max(1.0, abs(low))
    return low, low + width


@st.composite
def knobs(draw):
    """Every config knob of the spec, each set or left out."""
    bounds = draw(_maybe(uniform_bounds()))
    minval, maxval = bounds if bounds else (None, None)
    mean = draw(_maybe(st.floats(-10, 10, allow_subnormal=False)))
    stddev = draw(_maybe(st.floats(1e-3, 10)))
    if mean is not None and stddev is not None:
        stddev = max(stddev, abs(mean) / 1000)  # keep float32 able to resolve the spread
    return {
        "mean": mean,
        "stddev": stddev,
        "minval": minval,
        "maxval": maxval,
        "scale": draw(_maybe(st.floats(0.01, 100))),
        "mode": draw(_maybe(st.sampled_from(sorted(MODES)))),
        "distribution": draw(
            _maybe(st.sampled_from(sorted(current().edition.variance_scaling_distributions)))
        ),
        "gain": draw(_maybe(st.floats(0.1, 10))),
        "value": draw(_maybe(st.floats(-100, 100, allow_subnormal=False))),
    }


def conv_kernels(min_rank: int = 3, max_rank: int = 5, max_side: int = 7, max_channels: int = 64):
    """Convolution kernels in Keras layout ``(*receptive_field, in, out)``."""
    return (
        st.tuples(
            st.lists(st.integers(1, max_side), min_size=min_rank - 2, max_size=max_rank - 2),
            st.integers(1, max_channels),
            st.integers(1, max_channels),
        )
        .map(lambda t: (*t[0], t[1], t[2]))
        .filter(lambda s: math.prod(s) <= MAX_SIZE)
    )


#: The highest rank drawn. The spec's fans hold for every rank >= 3 (SPEC.md, "Fans"); ranks
#: 6-8 are drawn with sides 1-4, so that their outputs stay within MAX_SIZE.
MAX_RANK = 8


def high_rank_shapes(min_rank: int = 6, max_rank: int = MAX_RANK):
    """Shapes of rank 6-8 with sides 1-4 (a kernel of a 4-D or 5-D convolution and more)."""
    return array_shapes(min_dims=min_rank, max_dims=max_rank, min_side=1, max_side=4)


def shapes(min_rank: int = 0, max_rank: int = MAX_RANK, max_side: int = 64):
    """Shapes of rank ``min_rank``..``max_rank`` with 1-sized dims, plus conv kernels; ranks
    above 5 from :func:`high_rank_shapes`."""
    generic = array_shapes(
        min_dims=min_rank, max_dims=min(max_rank, 5), min_side=1, max_side=max_side
    )
    kernels = conv_kernels(max(3, min_rank), max(3, max_rank)) if max_rank >= 3 else st.nothing()
    high = high_rank_shapes(max(6, min_rank), max_rank) if max_rank >= 6 else st.nothing()
    return weighted({generic: 4, kernels: 4, high: 1}).filter(lambda s: math.prod(s) <= MAX_SIZE)


def weighted(choices: dict):
    """One of the strategies, drawn in proportion to their integer weights."""
    return st.sampled_from([s for s, w in choices.items() for _ in range(w)]).flatmap(
        lambda strategy: strategy
    )


def fan_shapes():
    """Shapes where every fan mistake changes the law: ranks 1-8, ``in != out`` at
    rank >= 2, receptive field > 1 at rank >= 3."""
    dense = st.tuples(st.integers(1, 256), st.integers(1, 256)).filter(lambda s: s[0] != s[1])
    kernels = weighted(
        {conv_kernels(3, 5, max_side=5): 3, conv_kernels(6, MAX_RANK, max_side=3): 1}
    )
    kernels = kernels.filter(lambda s: s[-2] != s[-1] and math.prod(s[:-2]) > 1)
    return st.one_of(st.tuples(st.integers(2, 1024)), dense, kernels)


def matrix_shapes(max_side: int = 48):
    """Shapes of rank 2-4 for Orthogonal: tall, wide and square."""
    return array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=max_side).filter(
        lambda s: math.prod(s) <= 4096
    )


def cases(shape_strategy=None, dtypes=FLOAT_DTYPES):
    """Full cases: shape, dtype, seed and knobs."""
    return st.builds(
        Case,
        shape=shape_strategy if shape_strategy is not None else shapes(),
        dtype=st.sampled_from(dtypes),
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

#: test_fans: fan_in != fan_out both ways, conv kernels of ranks 3-5 and 7, rank 1.
FAN_EXAMPLES = (
    Case((3, 3, 16, 32), seed=11),
    Case((64, 16), seed=12),
    Case((16, 64), seed=13),
    Case((5, 2, 8), seed=14),
    Case((2, 3, 3, 4, 10), seed=15),
    Case((300,), seed=16),
    Case((2, 1, 3, 2, 1, 12, 20), seed=17),
)

#: Orthogonal: 1x1, tall, wide, square float64, ranks 3 (flattened).
MATRIX_EXAMPLES = (
    Case((1, 1), seed=21),
    Case((64, 8), seed=22),
    Case((8, 64), seed=23),
    Case((16, 16), "float64", seed=24),
    Case((3, 3, 2), seed=25),
    Case((2, 3, 4), seed=26),
)
