"""The suite's properties: what each test module checks, declared once.

Each test module of the suite names its property (``PROPERTY = properties.LAW``); the
plugin records it with every test's result, and the reports order their matrix's columns
and rank the causes of failures by it (:data:`ORDER`, most severe first), reading no list
of names of their own and parsing no file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Property:
    """A column of the report, by its ``name``."""

    name: str

    @property
    def severity(self) -> int:
        """Its rank in :data:`ORDER` (0: the most severe)."""
        return ORDER.index(self)


LAW = Property("law")
SCALE = Property("scale")
FANS = Property("fans")
PROBES = Property("probes")
BOUNDS = Property("bounds")
CALLS = Property("calls")
LARGE = Property("large")
ORTHOGONALITY = Property("orthogonality")
IDENTITY = Property("identity")
STRUCTURE = Property("structure")
INDEPENDENCE = Property("independence")
SEEDS = Property("seeds")
DETERMINISTIC = Property("deterministic")
EDGES = Property("edges")
DTYPE = Property("dtype")
SERIALIZATION = Property("serialization")
API = Property("api")

#: Most severe first: a wrong law before a wrong scale of the right family, before the
#: structure of the values, their seeds, and the API around them.
ORDER = (
    LAW,
    SCALE,
    FANS,
    PROBES,
    BOUNDS,
    CALLS,
    LARGE,
    ORTHOGONALITY,
    IDENTITY,
    STRUCTURE,
    INDEPENDENCE,
    SEEDS,
    DETERMINISTIC,
    EDGES,
    DTYPE,
    SERIALIZATION,
    API,
)
BY_NAME = {p.name: p for p in ORDER}


def severity(name: str) -> int:
    """The rank of the property ``name``; a name the suite does not declare (a results
    file of another version) after every declared one."""
    found = BY_NAME.get(name)
    return found.severity if found else len(ORDER)


def of_module(module) -> Property | None:
    """The property a test module declares (``PROPERTY``), if it does."""
    found = getattr(module, "PROPERTY", None)
    return found if isinstance(found, Property) else None


#: The initializer of a test that is not of one initializer (an API check of many).
NO_INITIALIZER = "(other)"


def initializer_of(prop: str, params: dict, edition) -> str:
    """The initializer a test checks, from its parameters (``identifier``, ``alias`` or
    ``probe``: ``"he_normal"``, ``"VarianceScaling[fan_in-normal]-float16"``,
    ``"he_normal-dense"``) or its property (Orthogonal's and Identity's own checks):
    the reports' column and a known deviation's ``initializer``."""
    from initializer_conformance import reference

    for key in ("identifier", "alias", "probe"):
        value = params.get(key)
        if isinstance(value, str):
            try:
                return reference.canonical_name(re.split(r"[\[-]", value)[0], edition)
            except ValueError:
                return NO_INITIALIZER
    return {ORTHOGONALITY.name: "Orthogonal", IDENTITY.name: "Identity"}.get(prop, NO_INITIALIZER)


def of_item(item, edition) -> tuple[str, str]:
    """``(property, initializer)`` of a collected test (``None``-safe for a module that
    failed to import: its property then comes from the file name)."""
    declared = of_module(getattr(item, "module", None))
    prop = declared.name if declared else of_path(item.nodeid)
    params = getattr(getattr(item, "callspec", None), "params", {})
    return prop, initializer_of(prop, params, edition)


def of_path(nodeid: str) -> str:
    """The property of a test whose module could not say (``PROPERTY``): a file that failed
    to import, ``conformance/test_dtype.py::...`` -> ``dtype``."""
    stem = nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
    return stem.removeprefix("test_")
