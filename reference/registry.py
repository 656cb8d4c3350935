"""Identifiers: resolve names, aliases, configs and callables to initializers."""

from __future__ import annotations

from collections.abc import Callable

from . import variance_scaling
from .base import Initializer, build
from .constants import Constant, Ones, Zeros
from .distributions import RandomNormal, RandomUniform, TruncatedNormal
from .editions import Edition, get_edition
from .matrices import Identity, Orthogonal
from .variance_scaling import PRESETS, VarianceScaling

#: The seed page's classes, by name.
CLASSES: dict[str, type[Initializer]] = {
    cls.__name__: cls
    for cls in (
        Zeros,
        Ones,
        Constant,
        RandomNormal,
        RandomUniform,
        TruncatedNormal,
        VarianceScaling,
        Orthogonal,
        Identity,
    )
}

#: The seed page's six functions, by name.
FUNCTIONS: dict[str, Callable[..., VarianceScaling]] = {
    name: getattr(variance_scaling, name) for name in PRESETS
}

#: Every initializer of the seed page, in the page's order: the classes, then the functions.
NAMES: tuple[str, ...] = (*CLASSES, *FUNCTIONS)


def _factory(name: str):
    return CLASSES.get(name) or FUNCTIONS[name]


def _class(name: str) -> type[Initializer]:
    return CLASSES.get(name) or VarianceScaling


#: Groups of :data:`NAMES` by what their output is, from the classes' ``random`` and
#: ``elementwise`` flags: exact arrays; values drawn i.i.d. from one law; every random one.
DETERMINISTIC: tuple[str, ...] = tuple(n for n in NAMES if not _class(n).random)
ELEMENTWISE: tuple[str, ...] = tuple(n for n in NAMES if _class(n).random and _class(n).elementwise)
RANDOM: tuple[str, ...] = (
    *ELEMENTWISE,
    *(n for n in NAMES if _class(n).random and not _class(n).elementwise),
)
#: The element-wise initializers whose law follows from the fans of the shape.
FAN_SCALED: tuple[str, ...] = tuple(n for n in ELEMENTWISE if _class(n) is VarianceScaling)

#: Keras 2 string aliases (``keras/initializers.py``: "Compatibility aliases").
ALIASES: dict[str, str] = {
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


def identifiers(edition: str | Edition | None = None) -> dict[str, str]:
    """Every string identifier of ``edition``, mapped to its seed-page name."""
    names = {name: name for name in (*CLASSES, *FUNCTIONS)}
    return {**names, **ALIASES, **get_edition(edition).extra_aliases}


def canonical_name(identifier: str, edition: str | Edition | None = None) -> str:
    """The seed-page name of a string identifier; ``ValueError`` if unknown."""
    known = identifiers(edition)
    if identifier not in known:
        raise ValueError(
            f"unknown initializer identifier {identifier!r}; known identifiers: "
            f"{', '.join(sorted(known))}"
        )
    return known[identifier]


def make(
    identifier: str, config: dict | None = None, edition: str | Edition | None = None
) -> Initializer:
    """Build the initializer named ``identifier`` with the keyword arguments ``config``."""
    name = canonical_name(identifier, edition)
    return build(_factory(name), config or {}, identifier, edition=edition)


def serialize(initializer: Initializer) -> dict:
    """``{"class_name": ..., "config": {...}}``; ``deserialize`` inverts it."""
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config: dict, edition: str | Edition | None = None) -> Initializer:
    """Inverse of :func:`serialize`; ``class_name`` may also be an alias or a function name."""
    if set(config) != {"class_name", "config"}:
        raise ValueError(
            f"a serialized initializer has exactly the keys 'class_name' and 'config', "
            f"got {sorted(config)!r}"
        )
    return make(config["class_name"], config["config"], edition)


def get(identifier, edition: str | Edition | None = None):
    """Resolve anything the seed page lets you pass as an initializer.

    * ``None`` → ``None``;
    * an :class:`Initializer` instance → itself;
    * a class name, function name or alias (``"he_normal"``, ``"zeros"``, ``"normal"``, ...)
      → a new instance with default arguments;
    * a ``{"class_name": ..., "config": {...}}`` dict → :func:`deserialize`;
    * any other callable (a custom initializer ``f(shape, dtype=None)``) → itself.

    Raises:
        ValueError: anything else, naming what was received.
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        return make(identifier, {}, edition)
    if isinstance(identifier, dict):
        return deserialize(identifier, edition)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"could not interpret initializer identifier: {identifier!r} "
        f"(of type {type(identifier).__name__})"
    )
