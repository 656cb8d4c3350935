"""Which spec identifiers each property applies to (from the reference, never by hand)."""

from __future__ import annotations

from initializer_conformance import reference

ELEMENTWISE = ("RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
               *reference.PRESETS)
FAN_SCALED = ("VarianceScaling", *reference.PRESETS)
RANDOM = (*ELEMENTWISE, "Orthogonal")
DETERMINISTIC = ("Zeros", "Ones", "Constant", "Identity")
ALL = (*DETERMINISTIC[:3], *RANDOM, "Identity")
