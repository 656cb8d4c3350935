"""The reference spec: a readable NumPy implementation of every initializer of the
Keras 2 "Initializers" page, each with the exact law its output must follow.

>>> from initializer_conformance import reference
>>> init = reference.get("glorot_uniform")
>>> init((3, 3, 16, 32)).shape
(3, 3, 16, 32)
>>> init.law((3, 3, 16, 32)).formula
'Uniform[-0.117851, 0.117851) (mean=0, std=0.0680414)'
"""

from . import dtypes
from .base import DEFAULT_DTYPE, FLOAT_DTYPES, Initializer
from .constants import Constant, Ones, Zeros
from .distributions import RandomNormal, RandomUniform, TruncatedNormal
from .editions import DEFAULT_EDITION, EDITIONS, KERAS2, KERAS3, Edition, get_edition
from .fans import fans
from .laws import TRUNCATED_NORMAL_STD_FACTOR, TRUNCATION_WIDTH
from .matrices import Identity, Orthogonal
from .registry import (
    ALIASES,
    CLASSES,
    DETERMINISTIC,
    ELEMENTWISE,
    FAN_SCALED,
    FUNCTIONS,
    NAMES,
    RANDOM,
    canonical_name,
    deserialize,
    get,
    identifiers,
    make,
    serialize,
)
from .variance_scaling import (
    PRESETS,
    VarianceScaling,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)

# The seed page's lower-case aliases are also module attributes, as in Keras 2
# (``initializers.random_normal(stddev=0.01)``).
globals().update({alias: CLASSES[name] for alias, name in ALIASES.items()})

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Orthogonal",
    "Identity",
    "lecun_uniform",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "lecun_normal",
    "he_uniform",
    "get",
    "make",
    "serialize",
    "deserialize",
    "identifiers",
    "canonical_name",
    "fans",
    "Edition",
    "EDITIONS",
    "KERAS2",
    "KERAS3",
    "DEFAULT_EDITION",
    "get_edition",
    "CLASSES",
    "FUNCTIONS",
    "ALIASES",
    "PRESETS",
    "NAMES",
    "DETERMINISTIC",
    "ELEMENTWISE",
    "RANDOM",
    "FAN_SCALED",
    "DEFAULT_DTYPE",
    "FLOAT_DTYPES",
    "dtypes",
    "TRUNCATED_NORMAL_STD_FACTOR",
    "TRUNCATION_WIDTH",
    *ALIASES,
]
