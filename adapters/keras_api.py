"""The Keras 2 API the built-in adapters translate: signatures with defaults, aliases.

Shared by the framework adapters so that each states only its framework's mapping.
(Third-party adapters need nothing from this project; the built-in ones share this.)
"""

from __future__ import annotations

import numbers

import numpy as np

#: Keras 2 signatures: every config key each identifier accepts, with its default.
SIGNATURES: dict[str, dict] = {
    "Zeros": {},
    "Ones": {},
    "Constant": {"value": 0},
    "RandomNormal": {"mean": 0.0, "stddev": 0.05, "seed": None},
    "RandomUniform": {"minval": -0.05, "maxval": 0.05, "seed": None},
    "TruncatedNormal": {"mean": 0.0, "stddev": 0.05, "seed": None},
    "VarianceScaling": {"scale": 1.0, "mode": "fan_in", "distribution": "normal", "seed": None},
    "Orthogonal": {"gain": 1.0, "seed": None},
    "Identity": {"gain": 1.0},
    **{name: {"seed": None} for name in ("lecun_uniform", "glorot_normal", "glorot_uniform",
                                         "he_normal", "lecun_normal", "he_uniform")},
}

#: Keras 2 compatibility aliases.
ALIASES = {
    "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones", "constant": "Constant",
    "random_normal": "RandomNormal", "normal": "RandomNormal",
    "random_uniform": "RandomUniform", "uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal", "orthogonal": "Orthogonal", "identity": "Identity",
}

KERAS3_ALIASES = {
    "variance_scaling": "VarianceScaling", "GlorotNormal": "glorot_normal",
    "GlorotUniform": "glorot_uniform", "HeNormal": "he_normal", "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal", "LecunUniform": "lecun_uniform",
}

PRESETS = ("lecun_uniform", "glorot_normal", "glorot_uniform", "he_normal", "lecun_normal",
           "he_uniform")


def bind(identifier: str, config: dict, aliases: dict) -> tuple[str, dict]:
    """``(canonical name, full kwargs)``; ``ValueError`` for an unknown name or key."""
    name = aliases.get(identifier, identifier) if isinstance(identifier, str) else None
    if name not in SIGNATURES:
        raise ValueError(f"unknown initializer identifier {identifier!r}")
    signature = SIGNATURES[name]
    unknown = sorted(set(config or {}) - set(signature))
    if unknown:
        raise ValueError(f"{identifier}: unexpected config keys {unknown} "
                         f"(accepted: {sorted(signature)})")
    return name, {**signature, **(config or {})}


# -- known deviations (conformance/deviations.py) shared by the built-in adapters -----------

#: The initializers whose law depends on the fans.
FAN_SCALED = ("VarianceScaling", *PRESETS)
NORMAL_PRESETS = ("glorot_normal", "he_normal", "lecun_normal")


def declare(*groups: dict) -> dict:
    """Merge groups of ``{check: entry}`` into ``{check: [entries]}`` (a check may have
    several narrowed entries, one per failure)."""
    merged: dict[str, list] = {}
    for group in groups:
        for check, entry in group.items():
            merged.setdefault(check, []).append(entry)
    return merged


def deviating(checks, reason: str, match: str) -> dict:
    """One known deviation of several checks: ``{check: {reason, match}}``."""
    return {check: {"reason": reason, "match": match} for check in checks}


def fans_undefined_below_rank_2(where: str, match: str) -> dict:
    """The framework's fan function raises for rank 0 and 1 (shapes the Hypothesis
    tier draws); ``match``: the framework's error."""
    return deviating([f"test_{test}[{name}]" for test in ("law", "scale", "bounds", "fans")
                      for name in FAN_SCALED],
                     f"{where} raises for rank 0 and 1; the spec defines fans (1, 1) and (n, n)",
                     match)


def untruncated_normal_presets(where: str, names=NORMAL_PRESETS) -> dict:
    """The normal presets ``names`` draw an untruncated normal (of the right std), where
    Keras truncates at 2 std; matched by the suite's own diagnosis of the failure."""
    return deviating([f"test_{test}[{name}]" for test in ("law", "bounds", "probe")
                      for name in names],
                     f"{where} draw an untruncated normal of the right std (by design); Keras "
                     f"truncates",
                     "likely cause: untruncated normal where a truncated one is specified")


# -- what the ports that compose VarianceScaling share (torch, mlx, paddle, tinygrad) -------

#: The std of a standard normal truncated to [-2, 2]: Keras divides by it so that its
#: truncated normal has the variance ``scale / n``; a port writes the constant, as Keras does.
TRUNCATED_NORMAL_STD_FACTOR = 0.87962566103423978


def check_variance_scaling(scale, mode, distribution, distributions=("normal", "uniform")):
    """The validation a careful port of ``VarianceScaling`` writes where the framework has
    none: a positive scale, a known mode and distribution, else ``ValueError``."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not scale > 0:
        raise ValueError(f"VarianceScaling: scale must be a positive float, got {scale!r}")
    if not isinstance(mode, str) or mode not in ("fan_in", "fan_out", "fan_avg"):
        raise ValueError(f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', "
                         f"got {mode!r}")
    if not isinstance(distribution, str) or distribution not in distributions:
        raise ValueError(f"VarianceScaling: distribution must be one of "
                         f"{', '.join(map(repr, distributions))}, got {distribution!r}")


def divisor(mode: str, fan_in: float, fan_out: float) -> float:
    """``n`` in ``variance = scale / n`` for a ``VarianceScaling`` mode."""
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


# -- what the Keras-family adapters (keras, tf_keras) share ---------------------------------

def keras3_rules(where: str) -> dict:
    """Keras 3's documented departures from the Keras 2 page, which tf_keras 2.x follows
    too: deviations under edition keras2, the rules of edition keras3."""
    return {
        **deviating(["test_unseeded_calls_differ[*]"],
                    f"{where} by design (documented): an unseeded initializer draws its seed "
                    f"once, when made, and returns the same values on every call",
                    "two calls of one unseeded instance returned identical values"),
        **deviating([f"test_spec_value_error[VarianceScaling-{{'distribution': '{name}'}}-(4, 4)]"
                     for name in ("truncated_normal", "untruncated_normal")],
                    f"{where} by design (documented): VarianceScaling accepts "
                    f"distribution='truncated_normal' and 'untruncated_normal' (Keras 2: "
                    f"'normal' or 'uniform')",
                    "VarianceScaling: invalid input accepted"),
        **deviating([f"test_identity_shape[{shape}]" for shape in ("(2, 3)", "(5, 1)", "(1, 4)")],
                    f"{where} by design: Identity returns gain * eye(rows, cols) for any 2-D "
                    f"shape (Keras 2: square only)",
                    "Identity: invalid input accepted"),
    }


#: The exception types with which the framework refuses a dtype (torch: NotImplementedError
#: "normal_kernel_cpu not implemented for 'Int'"; TensorFlow: TypeError "Cannot convert 0.0
#: to EagerTensor of dtype int32"). Only these, for an integer dtype of a random
#: initializer, become the spec's ValueError; anything else (TensorFlow's
#: InvalidArgumentError "Need minval < maxval", raised *while drawing* integers) surfaces.
REJECTIONS = (NotImplementedError, TypeError, RuntimeError)


def is_floating(dtype) -> bool:
    """Whether the dtype asked for is a floating dtype (``None``: floatx, float32)."""
    if dtype is None:
        return True
    try:
        return np.dtype(dtype).kind == "f"
    except TypeError:  # a name NumPy does not know (e.g. "bfloat16" without ml_dtypes)
        return "float" in str(dtype)


def unknown_key_error(error: TypeError) -> bool:
    """Whether a Keras ``TypeError`` says a config key is not a constructor argument."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if "unexpected keyword argument" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False
