"""``VarianceScaling`` and its six named specializations (seed page)."""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

from .base import RandomInitializer
from .fans import fans
from .laws import TRUNCATED_NORMAL_STD_FACTOR, Normal, TruncatedNormal, Uniform

#: ``n`` of each mode, from ``(fan_in, fan_out)``.
MODES = {
    "fan_in": lambda fan_in, fan_out: fan_in,
    "fan_out": lambda fan_in, fan_out: fan_out,
    "fan_avg": lambda fan_in, fan_out: (fan_in + fan_out) / 2,
}


def variance_scaling_law(scale: float, n: float, family: str):
    """The law of ``VarianceScaling`` with divisor ``n`` (variance ``scale / n``) and a
    family of the edition's ``variance_scaling_distributions``: ``"truncated_normal"`` (a
    normal truncated to ±2 parent stds, parent std ``sqrt(scale / n) / 0.8796``),
    ``"normal"`` (untruncated) or ``"uniform"`` (``U[-limit, limit)``, ``limit =
    sqrt(3 · scale / n)``). The one place this law is built."""
    std = math.sqrt(scale / n)
    if family == "truncated_normal":
        return TruncatedNormal(0.0, std / TRUNCATED_NORMAL_STD_FACTOR)
    if family == "normal":
        return Normal(0.0, std)
    limit = math.sqrt(3.0) * std
    return Uniform(-limit, limit)


class VarianceScaling(RandomInitializer):
    """Entries with mean 0 and variance ``scale / n``, adapted to the weight's shape.

    ``n`` is ``fan_in``, ``fan_out`` or ``(fan_in + fan_out) / 2`` for ``mode``
    ``"fan_in"``, ``"fan_out"``, ``"fan_avg"``, with the fans of
    :func:`reference.fans.fans`.

    * ``distribution="normal"``: a normal truncated to ±2 parent stds whose
      *output* std is ``sqrt(scale / n)``; the parent std is therefore
      ``sqrt(scale / n) / 0.87962566103423978`` (decision: the seed page says
      "stddev = sqrt(scale / n)" of a truncated normal; Keras ≥ 2.1.4 divides by
      the truncation factor so that the variance really is ``scale / n``).
    * ``distribution="uniform"``: ``U[-limit, limit)`` with
      ``limit = sqrt(3 · scale / n)``, whose variance is ``scale / n``.
    * Edition ``keras3`` adds ``"truncated_normal"`` (same as ``"normal"``) and
      ``"untruncated_normal"`` (``N(0, scale / n)``).

    Args:
        scale: positive scaling factor (default 1.0).
        mode: ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``.
        distribution: ``"normal"`` (default) or ``"uniform"``.
        seed: ``None`` or a non-negative int.

    Raises:
        ValueError: ``scale <= 0``, an unknown ``mode`` or ``distribution``.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="normal", seed=None, *, edition=None):
        super().__init__(seed, edition=edition)
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not scale > 0:
            raise ValueError(f"VarianceScaling: scale must be a positive float, got {scale!r}")
        if not isinstance(mode, str) or mode not in MODES:
            raise ValueError(
                f"VarianceScaling: mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}"
            )
        families = self.edition.variance_scaling_distributions
        if not isinstance(distribution, str) or distribution not in families:
            raise ValueError(
                f"VarianceScaling: distribution must be one of "
                f"{', '.join(map(repr, families))} (edition {self.edition.name}), "
                f"got {distribution!r}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def variance(self, shape) -> float:
        """``scale / n``: the variance every entry must have."""
        return self.scale / MODES[self.mode](*fans(shape))

    def law(self, shape):
        family = self.edition.variance_scaling_distributions[self.distribution]
        return variance_scaling_law(self.scale, MODES[self.mode](*fans(shape)), family)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
        }


class Preset(NamedTuple):
    """A named specialization of :class:`VarianceScaling`."""

    scale: float
    mode: str
    distribution: str
    law: str
    reference: str


#: The six named initializers of the seed page, as data.
PRESETS = {
    "lecun_uniform": Preset(
        1.0,
        "fan_in",
        "uniform",
        "U[-limit, limit), limit = sqrt(3 / fan_in)",
        "LeCun et al. 1998, Efficient BackProp",
    ),
    "glorot_normal": Preset(
        1.0,
        "fan_avg",
        "normal",
        "truncated normal, std = sqrt(2 / (fan_in + fan_out))",
        "Glorot & Bengio 2010, http://proceedings.mlr.press/v9/glorot10a.html",
    ),
    "glorot_uniform": Preset(
        1.0,
        "fan_avg",
        "uniform",
        "U[-limit, limit), limit = sqrt(6 / (fan_in + fan_out))",
        "Glorot & Bengio 2010, http://proceedings.mlr.press/v9/glorot10a.html",
    ),
    "he_normal": Preset(
        2.0,
        "fan_in",
        "normal",
        "truncated normal, std = sqrt(2 / fan_in)",
        "He et al. 2015, https://arxiv.org/abs/1502.01852",
    ),
    "lecun_normal": Preset(
        1.0,
        "fan_in",
        "normal",
        "truncated normal, std = sqrt(1 / fan_in)",
        "Klambauer et al. 2017, https://arxiv.org/abs/1706.02515",
    ),
    "he_uniform": Preset(
        2.0,
        "fan_in",
        "uniform",
        "U[-limit, limit), limit = sqrt(6 / fan_in)",
        "He et al. 2015, https://arxiv.org/abs/1502.01852",
    ),
}


def _preset_function(name: str):
    preset = PRESETS[name]

    def make(seed=None, *, edition=None) -> VarianceScaling:
        return VarianceScaling(
            preset.scale, preset.mode, preset.distribution, seed, edition=edition
        )

    make.__name__ = make.__qualname__ = name
    make.__doc__ = (
        f"{name}: {preset.law}.\n\n"
        f"Returns ``VarianceScaling(scale={preset.scale}, mode={preset.mode!r}, "
        f"distribution={preset.distribution!r}, seed=seed)``.\n\nReference: {preset.reference}."
    )
    return make


lecun_uniform = _preset_function("lecun_uniform")
glorot_normal = _preset_function("glorot_normal")
glorot_uniform = _preset_function("glorot_uniform")
he_normal = _preset_function("he_normal")
lecun_normal = _preset_function("lecun_normal")
he_uniform = _preset_function("he_uniform")
