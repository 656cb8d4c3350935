"""API: every identifier and alias resolves; every ValueError of the spec is raised."""

import numpy as np
import pytest

from initializer_conformance import reference

from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.errors import assert_value_error
from initializer_conformance.conformance.identifiers import RANDOM
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import Context, generate

IDENTIFIERS = sorted(reference.identifiers(current().edition))  # RUN is configured before collection
ALIASES = [name for name in IDENTIFIERS if name != reference.canonical_name(name, current().edition)]


def _shape(name):
    return (5, 5) if name == "Identity" else (3, 3, 4, 6)


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_identifier_resolves(identifier):
    """Every string identifier of the edition makes an initializer that works with defaults."""
    name = reference.canonical_name(identifier, current().edition)
    generate(identifier, {}, _shape(name), "float32")


@pytest.mark.parametrize("alias", ALIASES)
def test_alias_matches_canonical(alias):
    """An alias is the same initializer as its seed-page name: same config, same values."""
    name = reference.canonical_name(alias, current().edition)
    config = {"seed": 3} if name in RANDOM else {}
    shape = _shape(name)
    a, b = generate(alias, config, shape, "float32"), generate(name, config, shape, "float32")
    if not np.array_equal(a, b):
        fail(f"[api] alias {alias!r} differs from {name!r}", Context(alias, config, shape, "float32"),
             f"the values of {name}{config}", f"{int((a != b).sum())} of {a.size} entries differ")


#: (identifier, config, shape, why) for every ValueError the spec names.
INVALID = [
    ("VarianceScaling", {"scale": 0.0}, (4, 4), "scale must be positive"),
    ("VarianceScaling", {"scale": -1.0}, (4, 4), "scale must be positive"),
    ("VarianceScaling", {"mode": "fan_mid"}, (4, 4), "mode must be fan_in, fan_out or fan_avg"),
    ("VarianceScaling", {"distribution": "gaussian"}, (4, 4), "unknown distribution"),
    *[("VarianceScaling", {"distribution": d}, (4, 4), f"edition {current().edition.name} has no {d!r}")
      for d in ("truncated_normal", "untruncated_normal")
      if d not in current().edition.variance_scaling_distributions],
    ("Orthogonal", {"seed": 1}, (5,), "Orthogonal needs rank >= 2 (spec decision)"),
    ("Orthogonal", {"seed": 1}, (), "Orthogonal needs rank >= 2 (spec decision)"),
    ("not_an_initializer", {}, (4, 4), "unknown identifier"),
]


@pytest.mark.parametrize("identifier, config, shape, why", INVALID,
                         ids=[f"{i}-{c}-{s}" for i, c, s, _ in INVALID])
def test_spec_value_error(identifier, config, shape, why):
    assert_value_error(identifier, config, shape, "float32", why)
