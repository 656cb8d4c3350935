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
* The correlation at every lag (:func:`lag_correlations`): the circular autocorrelations
  ``r_L``, ``L = 1 .. ⌊n/2⌋`` (one inverse FFT of the periodogram), each about
  ``N(-1/(n-1), 1/n)`` under i.i.d. values (``2/n`` at ``L = n/2``), the largest ``|z|``
  against its normal tail, Bonferroni over the lags. Bartlett's test sees a correlation
  ρ at lag L only through a ripple of period ``n/L`` in the spectrum, which shrinks as
  ``ρ/(πL)``: at lag 1,000 it has no power against ρ = 0.05, where this test has
  ``ρ·√n = 18`` standard errors on 131,072 values (:func:`lag_power`).
* The ordinates' law (:func:`ordinate_dispersion`): ``I_k / Ī`` against Exp(1), by
  Kolmogorov-Smirnov (the mean estimated, so the p-value is conservative). A flat
  spectrum made of half the randomness (mirrored halves: each Fourier coefficient is real
  up to a phase, ``I_k`` is chi-square of 1 degree, not 2) has the right mean and the
  wrong spread: KS distance about 0.2, where 10^5 ordinates see 0.01.

Each returns a :class:`~initializer_conformance.conformance.stats.Verdict` and never
asserts (``stats.py`` belongs to another change: these are the suite's own helpers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from .stats import Verdict, uniform_ks_sorted


@dataclass(frozen=True)
class Spectrum:
    """``|rfft(x - x̄)|²`` of the flattened ``x`` (``n`` values): the one FFT the three
    tests share (an FFT of 2^24 values takes about 0.5 s)."""

    n: int
    power: np.ndarray


def spectrum(x: np.ndarray | Spectrum) -> Spectrum:
    if isinstance(x, Spectrum):
        return x
    y = np.ravel(np.asarray(x, dtype=np.float64))
    return Spectrum(y.size, np.abs(np.fft.rfft(y - y.mean())) ** 2)


def periodogram(x: np.ndarray | Spectrum) -> np.ndarray:
    """``I_k`` at ``k = 1 .. ⌊(n - 1)/2⌋`` of the flattened ``x`` about its mean (no zero
    frequency, no Nyquist frequency: their laws differ)."""
    s = spectrum(x)
    return s.power[1 : (s.n - 1) // 2 + 1] / s.n


def bartlett(x: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """Bartlett's test of white noise: KS of the cumulative periodogram against the
    uniform order statistics it is under i.i.d. values."""
    s = spectrum(x)
    ordinates = periodogram(s)
    total = ordinates.sum()
    if ordinates.size < 3 or total == 0:
        return Verdict(f"Bartlett ({what})", 0.0, 1.0, alpha, s.n, "too short")
    c = np.cumsum(ordinates)[:-1] / total
    d, pvalue = uniform_ks_sorted(c)  # a cumulative sum of ordinates >= 0: sorted
    j = int(np.argmax(np.abs(c - np.arange(1, c.size + 1) / ordinates.size)))
    return Verdict(
        f"Bartlett's cumulative periodogram ({what})",
        d,
        pvalue,
        alpha,
        s.n,
        f"{ordinates.size} Fourier frequencies; the cumulative periodogram is "
        f"{c[j]:.4f} at frequency {j + 1} (expected {(j + 1) / ordinates.size:.4f})",
    )


def ordinate_dispersion(x: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """KS of the periodogram ordinates, divided by their mean, against Exp(1)."""
    s = spectrum(x)
    ordinates = periodogram(s)
    mean = ordinates.mean() if ordinates.size else 0.0
    if ordinates.size < 3 or mean == 0:
        return Verdict(f"periodogram ordinates ({what})", 0.0, 1.0, alpha, s.n, "")
    u = ordinates / mean
    ks = scipy_stats.kstest(u, "expon")
    return Verdict(
        f"Kolmogorov-Smirnov, periodogram ordinates / their mean ~ Exp(1) ({what})",
        float(ks.statistic),
        float(ks.pvalue),
        alpha,
        s.n,
        f"{u.size} ordinates: variance {u.var():.4f} (white noise: 1; half the "
        f"randomness: 2), {np.mean(u < 0.05):.4f} below 0.05 (expected 0.0488)",
    )


def _standardised(r: np.ndarray, n: int) -> np.ndarray:
    """``r_L``, ``L = 1 .. ⌊n/2⌋``, in standard deviations of its law under i.i.d. values
    (mean ``-1/(n-1)``, std ``1/√n``: the circular sum has ``n`` products; each pair is
    counted twice at ``L = n/2``, ``√2`` times the std). In place of ``r`` (2^23 lags:
    no second array)."""
    r += 1 / (n - 1)
    r *= math.sqrt(n)
    if n % 2 == 0:
        r[-1] /= math.sqrt(2)
    return r


def lag_correlations(x: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """The largest circular autocorrelation of the flattened ``x`` over every lag
    ``1 .. ⌊n/2⌋`` (``L`` and ``n - L`` are one lag), standardised, its two-sided normal
    p-value times the number of lags (Bonferroni). Each ``r_L`` is a sum of ``n`` products
    of uncorrelated values: normal to within an Edgeworth term of the products' kurtosis
    over ``n`` (below 1 % of the tail at 7 std for n >= 10^5)."""
    s = spectrum(x)
    n, power = s.n, s.power
    if n < 8 or power.sum() == 0:
        return Verdict(f"correlation at every lag ({what})", 0.0, 1.0, alpha, n, "too short")
    autocovariance = np.fft.irfft(power, n)
    z = _standardised(autocovariance[1 : n // 2 + 1] / autocovariance[0], n)
    worst = int(np.argmax(np.abs(z)))
    pvalue = min(1.0, z.size * 2 * float(scipy_stats.norm.sf(abs(z[worst]))))
    return Verdict(
        f"correlation at every lag, the largest of {z.size} ({what})",
        float(z[worst]),
        pvalue,
        alpha,
        n,
        f"lag {worst + 1}: r = {autocovariance[worst + 1] / autocovariance[0]:+.4f} "
        f"({z[worst]:+.1f} standard errors; "
        f"independent values: |r| below {_lag_threshold(n, alpha):.4f})",
    )


def _lag_threshold(n: int, alpha: float) -> float:
    """The ``|r|`` from which :func:`lag_correlations` rejects (``L < n/2``)."""
    return float(scipy_stats.norm.isf(alpha / (2 * (n // 2)))) / math.sqrt(n)


def lag_power(n: int, rho: float, alpha: float) -> float:
    """The probability that :func:`lag_correlations` rejects at ``alpha`` when the values
    are correlated ``rho`` at one lag ``L < n/2`` (its ``z`` is then about
    ``ρ·√n + N(0, 1)``): the power against a correlation at an arbitrary lag."""
    return float(scipy_stats.norm.sf(_lag_threshold(n, alpha) * math.sqrt(n) - rho * math.sqrt(n)))


def lag_miss(n: int, rho: float, alpha: float) -> float:
    """``1 - lag_power(n, rho, alpha)``, computed where the power rounds to 1."""
    return float(scipy_stats.norm.cdf(_lag_threshold(n, alpha) * math.sqrt(n) - rho * math.sqrt(n)))
