"""Adapters with less of the optional serialization API than the reference has
(``adapters/port.py: Serialization``): the checks that need what is missing must be
unsupported, never passes, and the others must still run."""

from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class MakeOnly:
    """The reference through ``make`` alone: no serialization method at all."""

    name = "make-only"

    def version(self) -> str:
        return "make-only"

    def make(self, identifier, config):
        return ReferenceAdapter().make(identifier, config)


class NotImplementedSerialization(ReferenceAdapter):
    """Every serialization method raises ``NotImplementedError`` (a port that declares the
    API but has not written it yet)."""

    name = "serialization-not-implemented"

    def _missing(self, *args):
        raise NotImplementedError("serialization is not ported yet")

    deserialize = serialize = get_config = from_config = get = _missing


class NoGet(ReferenceAdapter):
    """The reference's serialization without ``get``."""

    name = "no-get"

    def __getattribute__(self, attribute):
        if attribute == "get":
            raise AttributeError(attribute)
        return super().__getattribute__(attribute)
