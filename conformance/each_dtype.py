"""Checks made in every floating dtype the adapter supports, at the alpha of one test.

A port is often several ports: its float16 and bfloat16 outputs come from another kernel
(a 16-bit sampler, a cast of the float32 draw, a path written apart), and a bug of that
path (a seed ignored, a stream shared between seeds, correlated neighbours) is invisible
in float32. The seed, independence and structure checks therefore draw in float16,
bfloat16, float32 and float64 (:func:`each`), and test the dtypes of one check as one
family (``dependence.family``: the smallest p-value times the number of tests,
Bonferroni), so that each check still spends one test's alpha of the fixed tier
(``conformance/run.py``, ``FIXED_SLOTS``): a run makes as many statistical tests as
before, each rejecting where any dtype's would at ``alpha / count``.

Ties: a 16-bit output holds a few hundred distinct values, each many times. Octiles by
rank (``dependence.rank_table``) break ties by position, which puts the low positions of
two outputs' tied blocks in the same cell: a dependence made by the tie-breaking, not by
the port (small at the seed checks' default configs, where bfloat16 outputs of 4,096
values hold about 1,100 distinct values, but not nil where they hold 65).
:func:`break_ties` breaks them at random instead (an independent jitter below the
smallest gap between distinct values), which keeps two independent outputs independent.
The shared-values test is left to float32 and float64: its binomial null needs rare
coincidences, and 16-bit outputs coincide all the time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from initializer_conformance.conformance.sampling import Unsupported
from initializer_conformance.conformance.strategies import FLOAT_DTYPES
from initializer_conformance.reference import dtypes

T = TypeVar("T")

#: float32 first: the dtype every port has, whose absence makes the check unsupported.
ORDER = ("float32", *(d for d in FLOAT_DTYPES if d != "float32"))


def each(draw: Callable[[str], T]) -> dict[str, T]:
    """``{dtype: draw(dtype)}`` for every floating dtype the adapter supports, float32
    first. A dtype the adapter does not support (``NotImplementedError``) is left out;
    float32 unsupported makes the check unsupported."""
    out: dict[str, T] = {}
    for dtype in ORDER:
        try:
            out[dtype] = draw(dtype)
        except Unsupported:
            if dtype == "float32":
                raise
    return out


def break_ties(x: np.ndarray, seed: int) -> np.ndarray:
    """``x`` (float64) plus an independent jitter smaller than a quarter of the smallest
    gap between its distinct values: ties broken at random, every other order kept."""
    x = np.asarray(x, dtype=np.float64)
    distinct = np.unique(x)
    if distinct.size == x.size or distinct.size < 2:
        return x
    gap = float(np.diff(distinct).min())
    return x + np.random.default_rng(seed).uniform(0, gap / 4, x.shape)


def sixteen_bit(dtype: str) -> bool:
    return dtype in dtypes.SIXTEEN_BIT
