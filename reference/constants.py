"""Deterministic initializers: ``Zeros``, ``Ones``, ``Constant`` (seed page)."""

from __future__ import annotations

import numbers

import numpy as np

from .base import DeterministicInitializer
from .laws import Exact


class Constant(DeterministicInitializer):
    """Every entry equals ``value``.

    Law: ``init(shape, dtype) == numpy.full(shape, value, dtype)``.

    Args:
        value: a real scalar (default ``0``). With an integer dtype only integral
            values are in the spec (a non-integral value is cast as numpy casts,
            towards zero, and the suite does not check it).

    Decision: ``value`` is converted to the dtype as IEEE 754 converts (round to nearest,
    as numpy does): from half an ulp beyond the dtype's largest finite value on it is
    ±inf (float16: 65,519 rounds to 65,504, 65,520 and more to inf; bfloat16: beyond about
    3.39e38), neither an error nor the largest finite value; ``-0.0`` stays ``-0.0`` in a
    floating dtype.

    Raises:
        ValueError: ``value`` is not a real scalar.

    >>> Constant(value=0.5)((2, 2)).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """

    def __init__(self, value=0, *, edition=None):
        super().__init__(edition=edition)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"Constant: value must be a real scalar, got {value!r}")
        self.value = value

    def law(self, shape):
        return Exact(np.full(shape, self.value), f"every entry == {self.value!r}")

    def get_config(self):
        return {"value": self.value}


class Zeros(Constant):
    """Every entry is 0: ``numpy.zeros(shape, dtype)``.

    >>> Zeros()((2,)).tolist()
    [0.0, 0.0]
    """

    def __init__(self, *, edition=None):
        super().__init__(0, edition=edition)

    def get_config(self):
        return {}


class Ones(Constant):
    """Every entry is 1: ``numpy.ones(shape, dtype)``.

    >>> Ones()((2,), "int32").tolist()
    [1, 1]
    """

    def __init__(self, *, edition=None):
        super().__init__(1, edition=edition)

    def get_config(self):
        return {}
