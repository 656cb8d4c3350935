"""The resolution of a law in a dtype: how often two values coincide, and how often a
value is a number of a narrower dtype.

A continuous law returned in a floating dtype is a discrete law: each representable value
``v`` gets a mass ``p_v`` (about ``pdf(v)·ulp(v)``). Two properties of that discrete law
tell a port that draws at the dtype's resolution from one that does not:

* two independent values coincide with probability ``q = Σ p_v²``
  (:func:`collision_probability`): among ``n`` values about ``n²/2·q`` pairs coincide.
  A generator with 1,024 levels has ``q >= 2^-10``; the float32 law of a normal has
  ``q`` about ``1.4e-8``, so a coarse or recycled generator shows as an excess of
  coinciding pairs;
* a float64 value is exactly a float32 number with probability about ``2^-29`` (the
  float32 numbers are one float64 number in ``2^29`` of the same binade)
  (:func:`narrower_probability`): a float64 output computed in float32 and cast is
  float32 numbers only.

Decision (what a conforming implementation may do, as ``rounding.py`` decides at the
bounds): it computes in the dtype, on the scale of its arithmetic (``mean + std·z``,
``minval + width·u``: near 0 its values are on the grid of ``ulp(scale)``, not of
``ulp(x)``), from uniforms on a grid at least as fine as the dtype's ``eps``: JAX draws
23 random mantissa bits for float32 and 52 for float64, torch 24 and 53, NumPy 53.
A value then takes the mass of its rounding cell plus at most one grid point,
``p_v <= c_v + eps`` with ``c_v`` the law's mass in the cell, so (Cauchy-Schwarz)
``q <= ℓ + eps + √(ℓ·eps)`` with ``ℓ = Σ c_v²`` (:func:`repeat_bound`). Anything more
is a finding. A value lies on a narrower dtype's grid with probability at most twice the
ratio of the spacing of the values it can take (its cell, or the generator's grid mapped
through the inverse CDF, ``eps / pdf(x)``) to that grid's spacing (:func:`narrower_bound`).

For a 16-bit dtype the discrete law is enumerated exactly (its 65,536 bit patterns); for
float32 and float64 it is integrated binade by binade (``pdf`` varies by a relative
``ulp/std``, below 2^-20, across a cell).
"""

from __future__ import annotations

import functools
import math

import ml_dtypes
import numpy as np

from .dtypes import representable as _representable
from .dtypes import resolve as _resolve
from .laws import ElementwiseLaw
from .rounding import arithmetic_scale

#: Gauss-Legendre nodes per binade: the integrands (``pdf``, ``pdf²`` on a binade cut at
#: the support's bounds) are smooth, and 48 nodes integrate them to double precision.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)
#: Binades below the law's largest one that are integrated; the rest, a mass below
#: ``pdf_max·2^-160``, is counted as one cell of the dtype's smallest spacing there.
_BINADES = 160


def resolve(dtype) -> np.dtype:
    """The NumPy dtype of a name or a dtype (``dtypes.resolve``, which takes names)."""
    return _resolve(dtype if isinstance(dtype, str) else np.dtype(dtype).name)


@functools.cache
def _format(dtype: np.dtype) -> tuple[int, int, int]:
    """``(mantissa bits, smallest normal exponent, largest exponent)`` of a binary float."""
    info = ml_dtypes.finfo(dtype)
    return int(info.nmant), int(info.minexp), int(info.maxexp)


def epsilon(dtype) -> float:
    """``2^-mantissa bits``: 2^-10 (float16), 2^-7 (bfloat16), 2^-23, 2^-52 (as
    ``dtypes.epsilon``)."""
    return 2.0 ** -_format(resolve(dtype))[0]


def ulp(x: float, dtype) -> float:
    """The spacing of the values of ``dtype`` at ``|x|`` (its binade's; subnormal below)."""
    nmant, minexp, _ = _format(resolve(dtype))
    exponent = max(math.frexp(abs(x))[1] - 1, minexp) if x else minexp
    return 2.0 ** (exponent - nmant)


def _grid_at_scale(values: np.ndarray, dtype, scale: float | None) -> np.ndarray:
    """The values an arithmetic on ``scale`` can return: below ``scale`` in magnitude,
    only the multiples of ``ulp(scale)``."""
    if not scale:
        return values
    step = ulp(scale, dtype)
    return values[(np.abs(values) >= scale) | (np.mod(values, step) == 0)]


def cell_masses(law: ElementwiseLaw, dtype, scale: float | None = None) -> np.ndarray:
    """The law rounded to the nearest value of a 16-bit ``dtype`` (on the grid of an
    arithmetic on ``scale``, if given): the mass of each value, by enumeration."""
    grid = _grid_at_scale(_representable(resolve(dtype).name), dtype, scale)
    edges = np.concatenate([[-np.inf], (grid[:-1] + grid[1:]) / 2, [np.inf]])
    return np.diff(law.cdf(edges))


def _binades(law: ElementwiseLaw, dtype):
    """``(lower, upper, spacing)`` of the intervals of constant spacing of ``dtype`` that
    carry the law, both signs, cut at the support's bounds; and the magnitude below which
    the rest lies."""
    nmant, minexp, maxexp = _format(resolve(dtype))
    lo, hi = law.support
    top = (
        max(abs(lo), abs(hi))
        if np.isfinite(lo) and np.isfinite(hi)
        else (abs(law.mean) + 40 * law.std)
    )
    e_hi = min(math.frexp(top)[1] - 1, maxexp - 1)
    exponents = np.arange(max(minexp, e_hi - _BINADES), e_hi + 1)
    a, b = 2.0 ** exponents.astype(np.float64), 2.0 ** (exponents + 1.0)
    lower = np.concatenate([a, -b])
    upper = np.concatenate([b, -a])
    spacing = np.tile(2.0 ** (exponents - nmant).astype(np.float64), 2)
    lower, upper = np.maximum(lower, lo), np.minimum(upper, hi)
    keep = upper > lower
    return lower[keep], upper[keep], spacing[keep], float(a[0])


def _integrate(f, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``∫ f`` over each interval ``[lower_i, upper_i]`` (Gauss-Legendre, vectorised)."""
    half, middle = (upper - lower) / 2, (upper + lower) / 2
    x = middle[:, None] + half[:, None] * _NODES[None, :]
    return half * (f(x) @ _WEIGHTS)


@functools.lru_cache(maxsize=256)
def collision_probability(law: ElementwiseLaw, dtype, scale: float | None = None) -> float:
    """``Σ p_v²``: the probability that two independent values of ``law`` rounded to the
    nearest value of ``dtype`` are equal; with ``scale``, rounded by an arithmetic on
    that scale (cells of at least ``ulp(scale)``: coarser near 0).

    >>> from initializer_conformance.reference.laws import Normal, Uniform
    >>> q = collision_probability(Normal(0.0, 1.0), "float32")
    >>> 1.2e-8 < q < 1.6e-8  # about 0.11·2^-23, whatever the std
    True
    >>> round(collision_probability(Uniform(1.0, 2.0), "float16") * 2**10, 2)  # 1024 steps
    1.0
    """
    resolved = resolve(dtype)
    if resolved.itemsize <= 2:
        masses = cell_masses(law, resolved, scale)
        return float(np.sum(masses**2))
    lower, upper, spacing, rest = _binades(law, resolved)
    if scale:
        spacing = np.maximum(spacing, ulp(scale, resolved))
    squared = _integrate(lambda x: law.dist.pdf(x) ** 2, lower, upper)
    below = float(law.dist.cdf(rest) - law.dist.cdf(-rest))
    return float(np.sum(spacing * squared)) + below * below


@functools.lru_cache(maxsize=256)
def narrower_probability(
    law: ElementwiseLaw, dtype, narrow, scale: float | None = None, grid: float = 0.0
) -> float:
    """The probability that a value of ``law`` in ``dtype`` is exactly a number of the
    narrower dtype ``narrow``: ``∫ pdf(x)·min(1, s(x) / spacing_narrow(x)) dx``, with
    ``s(x)`` the spacing of the values it can take: its cell (``ulp(x)``, at least
    ``ulp(scale)``), or a generator's grid of ``grid`` in probability, ``grid / pdf(x)``.

    >>> from initializer_conformance.reference.laws import Normal
    >>> round(narrower_probability(Normal(0.0, 1.0), "float64", "float32") * 2**29, 3)
    1.0
    """
    resolved = resolve(dtype)
    lower, upper, spacing, rest = _binades(law, resolved)
    if scale:
        spacing = np.maximum(spacing, ulp(scale, resolved))
    nmant, minexp, maxexp = _format(resolve(narrow))
    magnitude = np.minimum(np.abs(lower), np.abs(upper))
    exponent = np.floor(np.log2(np.maximum(magnitude, 2.0**-1100)))
    narrow_spacing = 2.0 ** (np.maximum(exponent, minexp) - nmant)
    narrow_spacing[exponent >= maxexp] = np.inf  # beyond the narrow dtype's range

    def density(x):
        pdf = law.dist.pdf(x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = np.maximum(spacing[:, None], grid / pdf) if grid else spacing[:, None]
            share = np.minimum(1.0, step / narrow_spacing[:, None])
        return pdf * np.where(np.isfinite(narrow_spacing)[:, None], share, 0.0)

    below = float(law.dist.cdf(rest) - law.dist.cdf(-rest))
    return min(1.0, float(np.sum(_integrate(density, lower, upper))) + below)


def repeat_bound(law: ElementwiseLaw, dtype) -> float:
    """The largest ``Σ p_v²`` a conforming implementation of ``law`` in ``dtype`` has:
    ``ℓ + eps + √(ℓ·eps)``, ``ℓ`` the law rounded by an arithmetic on its scale
    (module docstring)."""
    cells = collision_probability(law, dtype, arithmetic_scale(law))
    eps = epsilon(dtype)
    return cells + eps + math.sqrt(cells * eps)


def narrower_bound(law: ElementwiseLaw, dtype, narrow) -> float:
    """The largest probability that a value of a conforming implementation of ``law`` in
    ``dtype`` is a number of ``narrow``: twice :func:`narrower_probability` on the
    arithmetic's scale and the generator's grid of ``eps`` (module docstring)."""
    return min(
        1.0,
        2 * narrower_probability(law, dtype, narrow, arithmetic_scale(law), epsilon(dtype)),
    )
