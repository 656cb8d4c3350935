"""Spec editions: the seed page (``keras2``) and the differences Keras 3 made.

An edition is a small declarative record. The reference initializers and the
conformance checks read these fields; nothing else in the code branches on the
edition's name. Each field of a non-default edition cites where the difference
comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType


@dataclass(frozen=True, eq=False)
class Edition:
    """What one edition of the spec allows.

    Attributes:
        name: the edition's identifier (``--edition`` on the command line).
        title: one line shown in reports.
        variance_scaling_distributions: accepted ``distribution=`` strings of
            ``VarianceScaling``, each mapped to the law family it draws from
            (``"truncated_normal"``, ``"normal"`` (untruncated) or ``"uniform"``).
        identity_requires_square: ``Identity`` raises ``ValueError`` unless the
            shape is 2-D *and* square; otherwise any 2-D shape gets the
            rectangular identity ``eye(rows, cols)``.
        seeded_calls_repeat: ``True`` if one seeded instance must return the same
            values on every call; ``None`` if the edition leaves it unspecified
            (then it is not checked; distinct instances with one seed must agree
            in every edition).
        unseeded_calls_repeat: ``True`` if one *unseeded* instance returns the same
            values on every call (it draws its seed once, when made); ``False`` if
            each call must return fresh values. Distinct unseeded instances differ
            in every edition.
        extra_aliases: identifiers this edition adds, mapped to a seed-page name.
        citations: for each field that differs from ``keras2``, one line of source.
    """

    name: str
    title: str
    variance_scaling_distributions: Mapping[str, str] = field(
        default_factory=lambda: {"normal": "truncated_normal", "uniform": "uniform"}
    )
    identity_requires_square: bool = True
    seeded_calls_repeat: bool | None = None
    unseeded_calls_repeat: bool = False
    extra_aliases: Mapping[str, str] = field(default_factory=dict)
    citations: Mapping[str, str] = field(default_factory=dict)


KERAS2 = Edition(
    name="keras2",
    title="Keras 2 'Initializers' page (the seed of this spec)",
)

KERAS3 = replace(
    KERAS2,
    name="keras3",
    title="Keras 3 (keras.initializers, keras 3.x)",
    variance_scaling_distributions=MappingProxyType(
        {
            "normal": "truncated_normal",
            "truncated_normal": "truncated_normal",
            "untruncated_normal": "normal",
            "uniform": "uniform",
        }
    ),
    identity_requires_square=False,
    seeded_calls_repeat=True,
    unseeded_calls_repeat=True,
    extra_aliases=MappingProxyType(
        {
            "variance_scaling": "VarianceScaling",
            "GlorotNormal": "glorot_normal",
            "GlorotUniform": "glorot_uniform",
            "HeNormal": "he_normal",
            "HeUniform": "he_uniform",
            "LecunNormal": "lecun_normal",
            "LecunUniform": "lecun_uniform",
        }
    ),
    citations=MappingProxyType(
        {
            "variance_scaling_distributions": "keras/src/initializers/random_initializers.py: VarianceScaling accepts "
            "'truncated_normal', 'untruncated_normal', 'uniform' ('normal' means truncated)",
            "identity_requires_square": "keras/src/initializers/constant_initializers.py: Identity returns "
            "gain * eye(*shape) for any 2-D shape",
            "seeded_calls_repeat": "Keras 3 release notes: an initializer with an int seed returns the same "
            "values on every call (draws are stateless)",
            "unseeded_calls_repeat": "keras/src/initializers/random_initializers.py, every random initializer's "
            "docstring: 'an initializer seeded with an integer or None (unseeded) will "
            "produce the same random values across multiple calls'",
            "extra_aliases": "keras/src/initializers/__init__.py: class names GlorotUniform, ..., and "
            "snake_case 'variance_scaling' are registered identifiers",
        }
    ),
)

EDITIONS: Mapping[str, Edition] = MappingProxyType({e.name: e for e in (KERAS2, KERAS3)})
DEFAULT_EDITION = KERAS2


def get_edition(edition: str | Edition | None = None) -> Edition:
    """Resolve an edition name (or ``None`` for the seed's) to an :class:`Edition`."""
    if edition is None:
        return DEFAULT_EDITION
    if isinstance(edition, Edition):
        return edition
    try:
        return EDITIONS[edition]
    except KeyError:
        raise ValueError(
            f"unknown spec edition {edition!r}; known editions: {', '.join(EDITIONS)}"
        ) from None
