"""The Keras API the built-in adapters translate: signatures with defaults, aliases, groups.

The adapters' own copy of what the reference defines (adapters import nothing from the
rest of the project, like a third-party port); ``tests/test_architecture.py`` pins it to
the reference, so the two cannot drift apart.
"""

from __future__ import annotations

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
    **{
        name: {"seed": None}
        for name in (
            "lecun_uniform",
            "glorot_normal",
            "glorot_uniform",
            "he_normal",
            "lecun_normal",
            "he_uniform",
        )
    },
}

#: Keras 2 compatibility aliases.
ALIASES = {
    "zeros": "Zeros",
    "zero": "Zeros",
    "ones": "Ones",
    "one": "Ones",
    "constant": "Constant",
    "random_normal": "RandomNormal",
    "normal": "RandomNormal",
    "random_uniform": "RandomUniform",
    "uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal",
    "orthogonal": "Orthogonal",
    "identity": "Identity",
}

KERAS3_ALIASES = {
    "variance_scaling": "VarianceScaling",
    "GlorotNormal": "glorot_normal",
    "GlorotUniform": "glorot_uniform",
    "HeNormal": "he_normal",
    "HeUniform": "he_uniform",
    "LecunNormal": "lecun_normal",
    "LecunUniform": "lecun_uniform",
}

PRESETS = (
    "lecun_uniform",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "lecun_normal",
    "he_uniform",
)

#: Groups: exact outputs; the initializers whose law depends on the fans; every random one.
DETERMINISTIC = ("Zeros", "Ones", "Constant", "Identity")
FAN_SCALED = ("VarianceScaling", *PRESETS)
RANDOM = ("RandomNormal", "RandomUniform", "TruncatedNormal", *FAN_SCALED, "Orthogonal")
NORMAL_PRESETS = ("glorot_normal", "he_normal", "lecun_normal")


def bind(identifier: str, config: dict, aliases: dict) -> tuple[str, dict]:
    """``(canonical name, full kwargs)``; ``ValueError`` for an unknown name or key."""
    name = aliases.get(identifier, identifier) if isinstance(identifier, str) else None
    if name not in SIGNATURES:
        raise ValueError(f"unknown initializer identifier {identifier!r}")
    signature = SIGNATURES[name]
    unknown = sorted(set(config or {}) - set(signature))
    if unknown:
        raise ValueError(
            f"{identifier}: unexpected config keys {unknown} (accepted: {sorted(signature)})"
        )
    return name, {**signature, **(config or {})}


def canonical(identifier: str) -> str | None:
    """The Keras 2 name of a Keras 2 or Keras 3 identifier, ``None`` if unknown."""
    name = {**ALIASES, **KERAS3_ALIASES}.get(identifier, identifier)
    return name if name in SIGNATURES else None
