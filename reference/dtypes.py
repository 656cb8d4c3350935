"""The floating dtypes of the spec, and the law of a value returned in one of them.

The seed page's laws are continuous; an implementation returns them in a dtype. The
spec's floating dtypes are float16, bfloat16 (through ``ml_dtypes``, the package that
gives NumPy the dtype JAX and TensorFlow use), float32 and float64.

Decision (SPEC.md, decision 12): the law of an output in a dtype is the continuous law
**rounded once to the nearest representable value** of that dtype: what an
implementation returns when it computes in a wider precision (float32 at least) and
rounds the result, as torch (since 2.12, PyTorch #145498), TensorFlow and the reference
do. For float32 and float64 the rounding is far below anything a test of 10^6 values can
see, and the continuous law is tested (with the bound allowances of
``reference/rounding.py``). For the 16-bit dtypes the rounded law is tested exactly:
:class:`Rounded` puts on each representable value ``v`` the mass
``F(upper midpoint) - F(lower midpoint)``. An implementation that draws its uniforms or
evaluates its inverse CDF in 16-bit arithmetic returns another law (coarse, with
clipped tails or values stuck at a bound): a finding, not an allowance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ml_dtypes  # registers "bfloat16" with NumPy
import numpy as np

from .laws import ElementwiseLaw

#: The floating dtypes of the spec, narrowest first.
FLOATS = ("float16", "bfloat16", "float32", "float64")
#: The integer dtypes of the spec: the deterministic initializers' (Zeros, Ones, Constant,
#: Identity) values in them; the random ones refuse them (SPEC.md).
INTS = ("int32", "int64")
#: The dtypes whose law is tested as a discrete law over their representable values.
SIXTEEN_BIT = ("float16", "bfloat16")


def resolve(dtype) -> np.dtype:
    """The NumPy dtype of a name or dtype (``"bfloat16"`` included)."""
    return np.dtype(getattr(ml_dtypes, dtype) if dtype == "bfloat16" else dtype)


def is_floating(dtype) -> bool:
    """Whether ``dtype`` is one of the spec's floating dtypes."""
    return resolve(dtype).name in FLOATS


def epsilon(dtype) -> float:
    """The dtype's relative precision (the gap between 1 and the next value): 2^-10
    (float16), 2^-7 (bfloat16), 2^-23 (float32), 2^-52 (float64)."""
    return float(ml_dtypes.finfo(resolve(dtype)).eps)


@functools.cache
def representable(dtype: str) -> np.ndarray:
    """Every finite value of a 16-bit dtype, ascending, as float64 (-0 and +0 as one)."""
    if dtype not in SIXTEEN_BIT:
        raise ValueError(f"only the 16-bit dtypes {SIXTEEN_BIT} are enumerated, not {dtype}")
    with np.errstate(invalid="ignore"):  # the NaN bit patterns
        every = np.arange(2**16, dtype=np.uint16).view(resolve(dtype)).astype(np.float64)
    values = np.unique(every[np.isfinite(every)])
    values.flags.writeable = False
    return values


@dataclass(frozen=True)
class Rounded:
    """The law of ``round(X)`` for ``X ~ law``, rounding to the nearest value of a 16-bit
    ``dtype``: a discrete law on :attr:`values` with :attr:`masses`.

    It offers what the statistical tests use of a law: ``mean``, ``std``,
    ``central_moment(k)``, ``support``, and the CDF on both sides of an atom."""

    law: ElementwiseLaw
    dtype: str

    @functools.cached_property
    def _atoms(self) -> tuple[np.ndarray, np.ndarray]:
        grid = representable(self.dtype)
        # Only the values whose rounding cell meets the law's mass: its support, or 40 std
        # about its mean (beyond, a normal's CDF is 0 or 1 in float64), one value more each
        # side. The others' masses are exactly 0 (and would be dropped below).
        lo, hi = self.law.support
        if not (np.isfinite(lo) and np.isfinite(hi)):
            lo, hi = self.law.mean - 40 * self.law.std, self.law.mean + 40 * self.law.std
        first = max(0, int(np.searchsorted(grid, lo)) - 1)
        grid = grid[first : int(np.searchsorted(grid, hi, side="right")) + 1]
        edges = np.concatenate([[-np.inf], (grid[:-1] + grid[1:]) / 2, [np.inf]])
        cdf = self.law.cdf(edges)
        masses = np.diff(cdf)
        keep = masses > 0
        return grid[keep], masses[keep] / masses[keep].sum()

    @property
    def values(self) -> np.ndarray:
        return self._atoms[0]

    @property
    def masses(self) -> np.ndarray:
        return self._atoms[1]

    @functools.cached_property
    def mean(self) -> float:
        return float(np.dot(self.masses, self.values))

    def central_moment(self, k: int) -> float:
        return float(np.dot(self.masses, (self.values - self.mean) ** k))

    @property
    def std(self) -> float:
        return float(np.sqrt(self.central_moment(2)))

    @property
    def support(self) -> tuple[float, float]:
        """The continuous law's support, each finite bound rounded to the dtype."""
        bounds = np.asarray(self.law.support, dtype=np.float64)
        return tuple(float(b) for b in bounds.astype(resolve(self.dtype)).astype(np.float64))

    @property
    def formula(self) -> str:
        return f"{self.law.formula}, rounded to {self.dtype}"

    def cdf_sides(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(P(Y < x), P(Y <= x))`` for values ``x`` of the dtype; a value that is not an
        atom (mass 0 under the law) has both equal."""
        cumulative = np.concatenate([[0.0], np.cumsum(self.masses)])
        below = np.searchsorted(self.values, x, side="left")
        upto = np.searchsorted(self.values, x, side="right")
        return cumulative[below], np.minimum(cumulative[upto], 1.0)

    def probability(self, where: np.ndarray) -> float:
        """The mass of the atoms for which the boolean mask ``where(values)`` holds."""
        return float(self.masses[where].sum())


@functools.lru_cache(maxsize=4096)
def in_dtype(law: ElementwiseLaw, dtype: str) -> ElementwiseLaw | Rounded:
    """The law of an output in ``dtype``: :class:`Rounded` for a 16-bit dtype, else the
    continuous law itself (its rounding is invisible at the suite's sample sizes). Cached:
    a rounded law's atoms are computed once per law."""
    return Rounded(law, dtype) if dtype in SIXTEEN_BIT else law


def rounding_cell(law: ElementwiseLaw, dtype: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P(X < lo), P(X < hi))`` for each value ``x`` of ``dtype``, where ``[lo, hi)`` is
    the cell of ``X ~ law`` that rounds to ``x`` (its midpoints with the neighbouring
    values of the dtype): the CDF of the rounded law on both sides of each atom. Exact for
    a 16-bit dtype (:class:`Rounded`) and float32; float64 has cells of width 0 at the
    precision of a CDF in float64, so both sides are ``F(x)``. A value of no mass (outside
    the law's support) has both sides equal."""
    x = np.asarray(x, dtype=np.float64)
    exact = in_dtype(law, dtype)
    if isinstance(exact, Rounded):
        return exact.cdf_sides(x)
    if dtype == "float64":
        at = law.cdf(x)
        return at, at
    narrow = x.astype(resolve(dtype))
    below = np.nextafter(narrow, -np.inf).astype(np.float64)
    above = np.nextafter(narrow, np.inf).astype(np.float64)
    return law.cdf((below + x) / 2), law.cdf((x + above) / 2)
