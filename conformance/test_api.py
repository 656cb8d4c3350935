"""API: every identifier and alias resolves; every ValueError of the spec is raised."""

import numpy as np

from initializer_conformance import reference
from initializer_conformance.conformance import properties
from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.errors import assert_value_error
from initializer_conformance.conformance.identifiers import RANDOM
from initializer_conformance.conformance.outputs import generate
from initializer_conformance.conformance.run import current
from initializer_conformance.conformance.sampling import Context

PROPERTY = properties.API


def pytest_generate_tests(metafunc):
    """Parameters from the run's edition, at collection: a module is imported once per
    process, and each pytest session may test another edition."""
    edition = current().edition
    identifiers = sorted(reference.identifiers(edition))
    if metafunc.function is test_identifier_resolves:
        metafunc.parametrize("identifier", identifiers)
    elif metafunc.function is test_alias_matches_canonical:
        metafunc.parametrize(
            "alias",
            [name for name in identifiers if name != reference.canonical_name(name, edition)],
        )
    elif metafunc.function is test_spec_value_error:
        invalid = invalid_inputs(edition)
        metafunc.parametrize(
            "identifier, config, shape, why",
            invalid,
            ids=[f"{i}-{c}-{s}" for i, c, s, _ in invalid],
        )


def _shape(name):
    return (5, 5) if name == "Identity" else (3, 3, 4, 6)


def test_identifier_resolves(identifier):
    """Every string identifier of the edition makes an initializer that works with defaults."""
    name = reference.canonical_name(identifier, current().edition)
    generate(identifier, {}, _shape(name), "float32")


def test_alias_matches_canonical(alias):
    """An alias is the same initializer as its seed-page name: same config, same values."""
    name = reference.canonical_name(alias, current().edition)
    config = {"seed": 3} if name in RANDOM else {}
    shape = _shape(name)
    a, b = generate(alias, config, shape, "float32"), generate(name, config, shape, "float32")
    if not np.array_equal(a, b):
        fail(
            "api",
            f"alias {alias!r} differs from {name!r}",
            ctx=Context(alias, config, shape, "float32"),
            expected=f"the values of {name}{config}",
            observed=f"{int((a != b).sum())} of {a.size} entries differ",
        )


def invalid_inputs(edition) -> list[tuple]:
    """``(identifier, config, shape, why)`` for every ValueError the spec names."""
    return [
        ("VarianceScaling", {"scale": 0.0}, (4, 4), "scale must be positive"),
        ("VarianceScaling", {"scale": -1.0}, (4, 4), "scale must be positive"),
        ("VarianceScaling", {"mode": "fan_mid"}, (4, 4), "mode must be fan_in, fan_out or fan_avg"),
        ("VarianceScaling", {"distribution": "gaussian"}, (4, 4), "unknown distribution"),
        *[
            ("VarianceScaling", {"distribution": d}, (4, 4), f"edition {edition.name} has no {d!r}")
            for d in ("truncated_normal", "untruncated_normal")
            if d not in edition.variance_scaling_distributions
        ],
        ("Orthogonal", {"seed": 1}, (5,), "Orthogonal needs rank >= 2 (spec decision)"),
        ("Orthogonal", {"seed": 1}, (), "Orthogonal needs rank >= 2 (spec decision)"),
        ("not_an_initializer", {}, (4, 4), "unknown identifier"),
    ]


def test_spec_value_error(identifier, config, shape, why):
    assert_value_error(identifier, config, shape, "float32", why)
