"""What the ports that compose ``VarianceScaling`` share (torch, mlx, paddle, tinygrad):
the validation, the divisor of each mode and the truncation constant a careful port
writes, as Keras does."""

from __future__ import annotations

import numbers

#: The std of a standard normal truncated to [-2, 2]: Keras divides by it so that its
#: truncated normal has the variance ``scale / n``; a port writes the constant, as Keras does.
TRUNCATED_NORMAL_STD_FACTOR = 0.87962566103423978


def check_variance_scaling(scale, mode, distribution, distributions=("normal", "uniform")):
    """The validation a careful port of ``VarianceScaling`` writes where the framework has
    none: a positive scale, a known mode and distribution, else ``ValueError``."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not float(scale) > 0:
        raise ValueError(f"VarianceScaling: scale must be a positive float, got {scale!r}")
    if not isinstance(mode, str) or mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(
            f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}"
        )
    if not isinstance(distribution, str) or distribution not in distributions:
        raise ValueError(
            f"VarianceScaling: distribution must be one of "
            f"{', '.join(map(repr, distributions))}, got {distribution!r}"
        )


def divisor(mode: str, fan_in: float, fan_out: float) -> float:
    """``n`` in ``variance = scale / n`` for a ``VarianceScaling`` mode, each fan at least 1
    (SPEC.md, decision 3; Keras writes ``max(1., fan_in)``): a framework's fan function
    gives 0 for a shape with a zero dimension, whose output is empty, not an error."""
    fan_in, fan_out = max(1, fan_in), max(1, fan_out)
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
