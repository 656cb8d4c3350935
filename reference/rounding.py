"""What a conforming implementation may return in a dtype, at and near a bound.

Decision: the spec's laws are continuous, and an implementation returns them rounded to
a dtype, computing in that dtype (``mean + std·z`` or ``minval + width·u`` in float32,
say). Rounding happens on the scale of that arithmetic, never on the scale of the bound
(the ulp of a bound of 0 is subnormal), so a conforming implementation may, with ``eps``
the dtype's relative precision (2^-10, 2^-7, 2^-23, 2^-52 for float16, bfloat16, float32,
float64) and
``scale`` the magnitude of its arithmetic (the larger finite bound in magnitude, else
``|mean| + 2·std``):

* round across a finite bound by at most ``SUPPORT_SLACK·eps·scale`` (``mean + std·z``
  rounds twice, each time by at most half an ulp of the result);
* put an atom of probability up to ``BOUND_ATOM·eps`` on an inclusive bound: a float32
  uniform sampler draws on a grid of 2^-24 (torch) or 2^-23 (jax) of the width, so
  ``minval`` itself has that probability, and a clamp after ``mean + std·z`` lands
  exactly on a bound.

In a 16-bit dtype the output's law is exact (the law rounded once, computed in float32:
``reference/dtypes.py``), so the allowance at a bound is that of the float32 arithmetic:
a bound's rounded value may hold its exact mass plus ``BOUND_ATOM`` times float32's eps.

Anything more is a finding: clipping a normal at ±2 std puts 2.3 % of the values on each
bound (10^5 times the float32 allowance), and a value that leaks through a truncation
lies far outside.
"""

from __future__ import annotations

import numpy as np

from . import dtypes
from .laws import ElementwiseLaw

#: How far (in eps·scale) a conforming value may round across a finite bound.
SUPPORT_SLACK = 2
#: The largest atom (in eps) a conforming implementation may put on an inclusive bound.
BOUND_ATOM = 1


epsilon = dtypes.epsilon  # 2^-10, 2^-7, 2^-23, 2^-52 for float16, bfloat16, float32, float64


def arithmetic_scale(law: ElementwiseLaw) -> float:
    """The magnitude of the arithmetic that makes a value of ``law``: the larger of its
    finite bounds in magnitude, else ``|mean| + 2·std``."""
    lo, hi = law.support
    if np.isfinite(lo) and np.isfinite(hi):
        return max(abs(lo), abs(hi))
    return abs(law.mean) + 2 * law.std


def support_slack(law: ElementwiseLaw, dtype) -> float:
    """How far across a finite bound a conforming value of ``law`` in ``dtype`` may lie."""
    return SUPPORT_SLACK * epsilon(dtype) * arithmetic_scale(law)


def at_bound(law: ElementwiseLaw, dtype, bound: float) -> tuple[float, float]:
    """``(window, probability)``: values within ``window`` of the finite ``bound`` count as
    on it, and a conforming implementation puts at most ``probability`` there.

    float32 and float64: the window is twice the support slack, and the probability the
    law's mass in it plus the atom ``BOUND_ATOM·eps``. A 16-bit dtype, whose law is
    tested exactly (``reference/dtypes.py``): the window holds the bound's own rounded
    value, and the probability is that value's exact mass plus the atom of the float32
    arithmetic the value was computed in (``BOUND_ATOM`` times float32's eps), so that a
    fraction of clipped values far below the dtype's eps is seen."""
    if dtype in dtypes.SIXTEEN_BIT:
        exact = dtypes.in_dtype(law, dtype)
        on_grid = float(np.float64(bound).astype(dtypes.resolve(dtype)).astype(np.float64))
        window = abs(on_grid - bound)
        mass = exact.probability(np.abs(exact.values - bound) <= window)
        return window, min(1.0, mass + BOUND_ATOM * epsilon("float32"))
    window = 2 * support_slack(law, dtype)
    low, high = _rounding_cells(bound - window, bound + window, dtype)
    mass = float(law.cdf(high) - law.cdf(low))
    # A port computes its values and its bounds in the dtype's arithmetic (minval + width·u;
    # mean + std·z clamped at mean ± 2·std rounded): its support may start or end an ulp of
    # the bound away from the law's, and that ulp's cell lands in the window. For a narrow
    # law that is a few percent of the window's mass: a narrow uniform's rejected at 3 to
    # 4.7 times alpha without it, a narrow truncated normal's at 1.75 times (the float32
    # ports of the calibration audit). One cell at the law's density inside the bound.
    ulp = abs(float(np.spacing(dtypes.resolve(dtype).type(bound))))
    inward = ulp / 2 if bound <= law.mean else -ulp / 2
    mass += float(law.dist.pdf(bound + inward)) * ulp
    return window, min(1.0, mass + BOUND_ATOM * epsilon(dtype))


def _rounding_cells(low: float, high: float, dtype) -> tuple[float, float]:
    """The interval of real numbers that round to a value of ``dtype`` in [low, high]: from
    the lower rounding edge of the smallest such value to the upper edge of the largest.

    A value of ``dtype`` collects the law's mass of its whole rounding cell, so a window
    holds the cells of the values it contains, not only its own width: for a narrow
    uniform in float32, the cell of the value at the window's edge is as wide as the
    window's half, and a null that integrated the window alone rejected at 3 to 4.7
    times its alpha (U[1, 1.001), U[-10, -9.99))."""
    kind = dtypes.resolve(dtype).type
    first, last = kind(low), kind(high)  # nearest values; moved inside the window
    if float(first) < low:
        first = np.nextafter(first, kind(np.inf))
    if float(last) > high:
        last = np.nextafter(last, kind(-np.inf))
    below = float(np.nextafter(first, kind(-np.inf)))
    above = float(np.nextafter(last, kind(np.inf)))
    return (float(first) + below) / 2, (float(last) + above) / 2


#: Orthogonal: the entry-wise allowance of ``QᵀQ/gain² - I``, in eps, for the rounding of
#: the entries (``ORTHONORMAL_ROUNDING``) and per row of the long side (``ORTHONORMAL_PER_ROW``).
ORTHONORMAL_ROUNDING = 4
ORTHONORMAL_PER_ROW = 2


def orthonormality_tolerance(dtype, m: int) -> float:
    """How far from orthonormal an Orthogonal output may be: ``max |QᵀQ/gain² - I|`` (tall
    or square; ``QQᵀ`` if wide) at most ``eps·(4 + 2·m)``, with ``eps`` the dtype's relative
    precision and ``m`` the long side of the flattened matrix.

    Decision (the seed page says "orthogonal" without a tolerance). A conforming output is
    an exactly orthonormal ``Q`` computed in a precision at least the dtype's, times gain,
    rounded once to the dtype. The rounding moves each entry by at most half an ulp of it,
    so each entry of ``QᵀQ`` by at most ``eps·Σ|q_ki·q_kj| <= eps`` (Cauchy-Schwarz): 2 eps
    with the checker's own division by gain, doubled for room. A QR computed in the dtype's
    own arithmetic (Householder: float32 outputs computed in float32) loses orthogonality
    in proportion to the length ``m`` of the columns it makes orthonormal (Higham, *Accuracy
    and Stability of Numerical Algorithms*, Thm. 19.4: ``O(m·n·u)`` normwise; entry-wise
    about ``√m·eps`` measured), and the check's own inner products of ``m`` terms in float64
    add ``m·u``: hence ``2·m·eps``. Measured (3 seeds of every shape the suite draws, gain
    1.5): the reference, torch 2.13 and jax 0.10 stay within ``0.75·m·eps`` on small shapes
    and 10 eps at 512 × 128. A classical Gram-Schmidt in float32 misses it (9e-5 to 5e-3 at
    256 × 256: 1.5 to 80 times float32's ``eps·516``), and so does a float64 output computed
    in float32 (about 1e-7, 10^6 times float64's allowance).
    """
    return dtypes.epsilon(dtype) * (ORTHONORMAL_ROUNDING + ORTHONORMAL_PER_ROW * m)
