"""Tests of white noise on the periodogram: linear dependence at any lag, in one pass.

The suite's other tests of dependence look at neighbours (lag-1 correlations, the
transitions between quantile cells) or at two outputs. A port can make an output whose
neighbours are independent and whose values follow the law, and still make it of two
halves that mirror each other (``x[n-1-t] = 2·mean - x[t]``), or of a block repeated at a
fixed period: the dependence is at a long lag. The periodogram sees every lag at once.

The tests read the values' **normal scores** ``g_t = Φ⁻¹(U_t)``, ``U_t`` the randomised
probability integral transform of each value under the law in its dtype
(``stats.gaussianized``): for values of the law, whatever the law and dtype, the ``g_t``
are exactly i.i.d. N(0, 1), so each test's null law is exact, not a limit. The
periodogram ``I_k = |Σ_t g_t·exp(-2πi·k·t/n)|² / n`` at the Fourier frequencies
``k = 1 .. m``, ``m = ⌊(n - 1)/2⌋``, is then exactly ``m`` independent Exp(1) (the real
and imaginary parts of a Fourier coefficient of Gaussian white noise are independent
normals of variance n/2). Three tests:

* Bartlett's cumulative periodogram (:func:`bartlett`): ``C_j = Σ_{k<=j} I_k / Σ I_k``,
  ``j = 1 .. m - 1``, are exactly the order statistics of ``m - 1`` uniforms, tested by
  Kolmogorov-Smirnov (its exact law). A non-flat spectrum (a block repeated at period
  ``P`` puts all the power at the multiples of ``n/P``; any autocorrelation tilts it)
  bends ``C``.
* The correlation at every lag (:func:`lag_correlations`): for each lag
  ``L = 1 .. ⌊n/2⌋``, ``S_L = Σ_{t < n-L} g_t·g_{t+L}`` over ``√(Σ g_t²·g_{t+L}²)``.
  Given the sizes ``|g_t|``, the signs of the products are independent fair coins (each
  product brings in a sign of its own, the ``g`` being symmetric): a weighted sum of
  random signs, whose tail is at most 3.178 times the normal's whatever the weights
  (``stats.signed_sum_pvalue``). Bonferroni over the lags. Bartlett's test sees a
  correlation ρ at lag L only through a ripple of period ``n/L`` in the spectrum, which
  shrinks as ``ρ/(πL)``: at lag 1,000 it has no power against ρ = 0.05, where this test
  has ``ρ·√(n - L)`` standard errors (:func:`lag_power`).
* The ordinates' law (:func:`ordinate_dispersion`): ``I_k / Ī`` against Exp(1), by
  Kolmogorov-Smirnov (the mean estimated, so the p-value is conservative, and a law of
  the wrong scale fails test_scale, not this). A flat spectrum made of half the randomness
  (mirrored halves: each Fourier coefficient is real up to a phase, ``I_k`` is
  chi-square of 1 degree, not 2) has the right mean and the wrong spread: KS distance
  about 0.2, where 10^5 ordinates see 0.01.

Each returns a :class:`~initializer_conformance.conformance.stats.Verdict` and never
asserts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from .stats import RADEMACHER_TAIL, Verdict, signed_sum_pvalue, uniform_ks_sorted


@dataclass(frozen=True)
class Spectrum:
    """The normal scores ``g`` (flattened, ``n`` values) and ``|rfft(g)|²``: the FFT the
    three tests share (an FFT of 2^24 values takes about 0.5 s)."""

    g: np.ndarray
    power: np.ndarray

    @property
    def n(self) -> int:
        return self.g.size


def spectrum(g: np.ndarray | Spectrum) -> Spectrum:
    """The spectrum of normal scores ``g`` (``stats.gaussianized``)."""
    if isinstance(g, Spectrum):
        return g
    y = np.ravel(np.asarray(g, dtype=np.float64))
    return Spectrum(y, np.abs(np.fft.rfft(y)) ** 2)


def periodogram(g: np.ndarray | Spectrum) -> np.ndarray:
    """``I_k`` at ``k = 1 .. ⌊(n - 1)/2⌋`` (no zero frequency, no Nyquist frequency:
    their laws differ)."""
    s = spectrum(g)
    return s.power[1 : (s.n - 1) // 2 + 1] / s.n


def bartlett(g: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """Bartlett's test of white noise: KS of the cumulative periodogram against the
    uniform order statistics it is under i.i.d. normal scores."""
    s = spectrum(g)
    ordinates = periodogram(s)
    total = ordinates.sum()
    if ordinates.size < 3 or total == 0:
        return Verdict(f"Bartlett ({what})", 0.0, 1.0, alpha, s.n, "too short", tested=False)
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


def ordinate_dispersion(g: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """KS of the periodogram ordinates, divided by their mean, against Exp(1): their mean
    estimated, so that a law of the wrong scale (which ``test_scale`` reports) does not
    fail a test of dependence; the KS p-value is then conservative (an estimated scale
    narrows the ECDF's distance to the fitted law; Durbin 1975)."""
    s = spectrum(g)
    ordinates = periodogram(s)
    mean = ordinates.mean() if ordinates.size else 0.0
    if ordinates.size < 3 or mean == 0:
        return Verdict(f"periodogram ordinates ({what})", 0.0, 1.0, alpha, s.n, "", tested=False)
    u = ordinates / mean
    d, pvalue = uniform_ks_sorted(np.sort(-np.expm1(-u)))  # Exp(1)'s CDF
    return Verdict(
        f"Kolmogorov-Smirnov, periodogram ordinates / their mean ~ Exp(1) ({what})",
        d,
        pvalue,
        alpha,
        s.n,
        f"{u.size} ordinates: variance {u.var():.4f} (white noise: 1; half the "
        f"randomness: 2), {np.mean(u < 0.05):.4f} below 0.05 (expected 0.0488)",
    )


def _lag_sums(y: np.ndarray, lags: int) -> np.ndarray:
    """``Σ_{t < n-L} y_t·y_{t+L}`` for ``L = 0 .. lags`` (linear, not circular: one FFT
    of twice the length)."""
    size = 1 << (2 * y.size - 1).bit_length()
    f = np.fft.rfft(y, size)
    return np.fft.irfft(f.real**2 + f.imag**2, size)[: lags + 1]


def lag_correlations(g: np.ndarray | Spectrum, alpha: float, what: str) -> Verdict:
    """The largest self-normalised lag sum of the normal scores over every lag
    ``1 .. ⌊n/2⌋``, its p-value bounded by the weighted random signs' tail
    (``stats.signed_sum_pvalue``), times the number of lags (Bonferroni)."""
    s = spectrum(g)
    n, y = s.n, s.g
    lags = n // 2
    if n < 8:
        return Verdict(
            f"correlation at every lag ({what})", 0.0, 1.0, alpha, n, "too short", tested=False
        )
    sums = _lag_sums(y, lags)
    sizes = _lag_sums(y * y, lags)  # Σ g_t²·g_{t+L}²
    z = sums[1:] / np.sqrt(np.maximum(sizes[1:], np.finfo(np.float64).tiny))
    worst = int(np.argmax(np.abs(z)))
    pvalue = min(1.0, lags * float(signed_sum_pvalue(z[worst])))
    return Verdict(
        f"correlation at every lag, the largest of {lags} ({what})",
        float(z[worst]),
        pvalue,
        alpha,
        n,
        f"lag {worst + 1}: r = {sums[worst + 1] / sums[0]:+.4f} of the normal scores "
        f"({z[worst]:+.1f} standard errors; independent values: |z| below "
        f"{_lag_threshold(n, alpha):.2f})",
    )


def _lag_threshold(n: int, alpha: float) -> float:
    """The ``|z|`` from which :func:`lag_correlations` rejects."""
    return float(scipy_stats.norm.isf(alpha / (2 * RADEMACHER_TAIL * (n // 2))))


def lag_power(n: int, rho: float, alpha: float) -> float:
    """The probability that :func:`lag_correlations` rejects at ``alpha`` when the normal
    scores are correlated ``rho`` at one lag ``L <= n/2`` (its ``z`` is then about
    ``ρ·√(n - L) + N(0, 1)``), at the worst such lag, ``n/2``: the power against a
    correlation at an arbitrary lag."""
    return 1 - lag_miss(n, rho, alpha)


def lag_miss(n: int, rho: float, alpha: float) -> float:
    """``1 - lag_power(n, rho, alpha)``, computed where the power rounds to 1."""
    effect = rho * math.sqrt(n - n // 2)
    return float(scipy_stats.norm.cdf(_lag_threshold(n, alpha) - effect))
