"""Name the likely cause of a statistical failure.

When a sample fails the spec's law, it is tested against the laws that known porting
bugs would produce (swapped fans, a missing 0.8796 correction, an untruncated normal,
a default from another framework, ...). Each alternative law the sample fits (KS
p-value >= ``FIT``) becomes a "likely cause" line of the failure message. An
alternative is only offered when it differs from the spec's law for this case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from initializer_conformance import reference
from initializer_conformance.reference.laws import (TRUNCATED_NORMAL_STD_FACTOR, ElementwiseLaw, Normal, TruncatedNormal,
                            Uniform)
from initializer_conformance.reference.variance_scaling import MODES

#: KS p-value above which a sample "fits" an alternative law.
FIT = 1e-3


@dataclass(frozen=True)
class AbsoluteTruncation(ElementwiseLaw):
    """N(loc, scale²) truncated to loc ± 2 in absolute units (not ± 2·scale)."""

    loc: float
    scale: float

    @property
    def mean(self) -> float:
        return self.loc

    @property
    def dist(self):
        return scipy_stats.truncnorm(-2 / self.scale, 2 / self.scale, loc=self.loc, scale=self.scale)

    @property
    def formula(self) -> str:
        return f"Normal(mean={self.loc:.6g}, std={self.scale:.6g}) truncated to mean ± 2"


def _variance_scaling(scale: float, n: float, family: str) -> ElementwiseLaw:
    std = math.sqrt(scale / n)
    if family == "truncated_normal":
        return TruncatedNormal(0.0, std / TRUNCATED_NORMAL_STD_FACTOR)
    if family == "normal":
        return Normal(0.0, std)
    return Uniform(-math.sqrt(3) * std, math.sqrt(3) * std)


def _wrong_fans(shape: tuple[int, ...]) -> dict[str, tuple[int, int]]:
    fan_in, fan_out = reference.fans(shape)
    wrong = {"fan_in and fan_out swapped": (fan_out, fan_in)}
    if len(shape) >= 2:
        receptive = math.prod(shape[2:])
        wrong["fans computed for torch's (out, in, *k) layout on a Keras (*k, in, out) shape"] = (
            shape[1] * receptive, shape[0] * receptive)
    if len(shape) >= 3:
        wrong["receptive field ignored: fans are the channel counts"] = (shape[-2], shape[-1])
    return wrong


def _variance_scaling_candidates(init, shape):
    family = init.edition.variance_scaling_distributions[init.distribution]
    fan_in, fan_out = reference.fans(shape)
    n = MODES[init.mode](fan_in, fan_out)
    for cause, fans in _wrong_fans(shape).items():
        yield cause, _variance_scaling(init.scale, MODES[init.mode](*fans), family)
    for mode, n_of in MODES.items():
        if mode != init.mode:
            yield f"mode {mode!r} used instead of {init.mode!r}", _variance_scaling(
                init.scale, n_of(fan_in, fan_out), family)
    if init.mode == "fan_avg":
        yield "fan_avg = fan_in + fan_out, not halved", _variance_scaling(
            init.scale, fan_in + fan_out, family)
    if family == "truncated_normal":
        yield ("missing the truncated-normal correction 0.8796: sqrt(scale / n) used as the parent "
               "std", TruncatedNormal(0.0, math.sqrt(init.scale / n)))
        yield ("untruncated normal where a truncated one is specified",
               _variance_scaling(init.scale, n, "normal"))
        yield "uniform law where a (truncated) normal is specified", _variance_scaling(
            init.scale, n, "uniform")
    elif family == "uniform":
        yield "uniform limit sqrt(scale / n): the factor 3 is missing", Uniform(
            -math.sqrt(init.scale / n), math.sqrt(init.scale / n))
        yield "normal law where a uniform one is specified", _variance_scaling(
            init.scale, n, "truncated_normal")
    else:
        yield "truncated normal where an untruncated one is specified", _variance_scaling(
            init.scale, n, "truncated_normal")


def candidates(identifier: str, config: dict, shape: tuple[int, ...], edition):
    """``(cause, law)`` for each known bug that applies to this case."""
    init = reference.make(identifier, config, edition)
    if isinstance(init, reference.VarianceScaling):
        yield from _variance_scaling_candidates(init, shape)
    elif isinstance(init, reference.TruncatedNormal):
        yield ("untruncated normal where a truncated one is specified",
               Normal(init.mean, init.stddev))
        yield ("truncated at mean ± 2 in absolute units, not mean ± 2·stddev",
               AbsoluteTruncation(init.mean, init.stddev))
        yield ("stddev taken as the output's std (parent std = stddev / 0.8796)",
               TruncatedNormal(init.mean, init.stddev / TRUNCATED_NORMAL_STD_FACTOR))
    elif isinstance(init, reference.RandomNormal):
        yield "torch's default std=1.0 used", Normal(init.mean, 1.0)
        yield "truncated normal where an untruncated one is specified", TruncatedNormal(
            init.mean, init.stddev)
    elif isinstance(init, reference.RandomUniform):
        yield "torch's default interval [0, 1) used", Uniform(0.0, 1.0)
        yield "interval [-maxval, maxval) used", Uniform(-init.maxval, init.maxval)


def diagnose(ctx, law, values: np.ndarray, edition) -> list[str]:
    """Likely causes of a failure: the alternatives the sample fits, best fit first."""
    fits = []
    for cause, alternative in candidates(ctx.identifier, ctx.config, ctx.shape, edition):
        lo, hi = alternative.support
        if _same_law(alternative, law) or values.min() < lo or values.max() > hi:
            continue
        pvalue = float(scipy_stats.kstest(values, alternative.dist.cdf).pvalue)
        if pvalue >= FIT:
            fits.append((pvalue, cause, alternative))
    return [f"{cause} (the sample fits {alternative.formula}: KS p={pvalue:.3g})"
            for pvalue, cause, alternative in sorted(fits, key=lambda f: -f[0])]


def _same_law(a: ElementwiseLaw, b: ElementwiseLaw) -> bool:
    probe = np.linspace(-4, 4, 17) * b.std + b.mean
    return type(a) is type(b) and np.allclose(a.dist.cdf(probe), b.dist.cdf(probe), atol=1e-9)
