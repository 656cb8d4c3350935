"""Tests of white noise on the periodogram: linear dependence at any lag, in one pass.

The suite's other tests of dependence look at neighbours (lag-1 correlations, the
transitions between quantile cells) or at two outputs. A port can make an output whose
neighbours are independent and whose values follow the law, and still make it of two
halves that mirror each other (``x[n-1-t] = 2·mean - x[t]``), or of a block repeated at a
fixed period: the dependence is at a long lag. The periodogram of the flattened output,
``I_k = |Σ_t (x_t - x̄)·exp(-2πi·k·t/n)|² / n`` at the Fourier frequencies
``k = 1 .. m``, ``m = ⌊(n - 1)/2⌋``, sees every lag at once. For i.i.d. values of finite
variance (any law: each ordinate is a sum of ``n`` terms) the ordinates are
asymptotically independent exponentials of one mean (Brockwell and Davis, *Time Series:
Theory and Methods*, Thm. 10.3.2; the fourth-cumulant term of their covariance is common
to all of them, a random scale, which the normalizations below divide out). Two tests:

* Bartlett's cumulative periodogram (:func:`bartlett`): ``C_j = Σ_{k<=j} I_k / Σ I_k``,
  ``j = 1 .. m - 1``, are then the order statistics of ``m - 1`` uniforms, tested by
  Kolmogorov-Smirnov. A non-flat spectrum (a block repeated at period ``P`` puts all the
  power at the multiples of ``n/P``; any autocorrelation tilts it) bends ``C``.
* The ordinates' law (:func:`ordinate_dispersion`): ``I_k / Ī`` against Exp(1), by
  Kolmogorov-Smirnov (the mean estimated, so the p-value is conservative). A flat
  spectrum made of half the randomness (mirrored halves: each Fourier coefficient is real
  up to a phase, ``I_k`` is chi-square of 1 degree, not 2) has the right mean and the
  wrong spread: KS distance about 0.2, where 10^5 ordinates see 0.01.

Each returns a :class:`~initializer_conformance.conformance.stats.Verdict` and never
asserts (``stats.py`` belongs to another change: these are the suite's own helpers).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as scipy_stats

from .stats import Verdict


def periodogram(x: np.ndarray) -> np.ndarray:
    """``I_k`` at ``k = 1 .. ⌊(n - 1)/2⌋`` of the flattened ``x`` about its mean (no zero
    frequency, no Nyquist frequency: their laws differ)."""
    y = np.ravel(np.asarray(x, dtype=np.float64))
    y = y - y.mean()
    n = y.size
    m = (n - 1) // 2
    return np.abs(np.fft.rfft(y)[1 : m + 1]) ** 2 / n


def bartlett(x: np.ndarray, alpha: float, what: str) -> Verdict:
    """Bartlett's test of white noise: KS of the cumulative periodogram against the
    uniform order statistics it is under i.i.d. values."""
    ordinates = periodogram(x)
    total = ordinates.sum()
    if ordinates.size < 3 or total == 0:
        return Verdict(f"Bartlett ({what})", 0.0, 1.0, alpha, int(np.size(x)), "too short")
    c = np.cumsum(ordinates)[:-1] / total
    ks = scipy_stats.kstest(c, "uniform")
    j = int(np.argmax(np.abs(c - np.arange(1, c.size + 1) / ordinates.size)))
    return Verdict(
        f"Bartlett's cumulative periodogram ({what})",
        float(ks.statistic),
        float(ks.pvalue),
        alpha,
        int(np.size(x)),
        f"{ordinates.size} Fourier frequencies; the cumulative periodogram is "
        f"{c[j]:.4f} at frequency {j + 1} (expected {(j + 1) / ordinates.size:.4f})",
    )


def ordinate_dispersion(x: np.ndarray, alpha: float, what: str) -> Verdict:
    """KS of the periodogram ordinates, divided by their mean, against Exp(1)."""
    ordinates = periodogram(x)
    mean = ordinates.mean() if ordinates.size else 0.0
    if ordinates.size < 3 or mean == 0:
        return Verdict(f"periodogram ordinates ({what})", 0.0, 1.0, alpha, int(np.size(x)), "")
    u = ordinates / mean
    ks = scipy_stats.kstest(u, "expon")
    return Verdict(
        f"Kolmogorov-Smirnov, periodogram ordinates / their mean ~ Exp(1) ({what})",
        float(ks.statistic),
        float(ks.pvalue),
        alpha,
        int(np.size(x)),
        f"{u.size} ordinates: variance {u.var():.4f} (white noise: 1; half the "
        f"randomness: 2), {np.mean(u < 0.05):.4f} below 0.05 (expected 0.0488)",
    )
