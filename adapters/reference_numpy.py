"""The reference itself as an adapter (``--impl=numpy``): the suite's baseline.

Every identifier maps to ``reference.make(identifier, config)``; a run against it
must pass, and the mutants (``initializer_conformance.adapters.mutants``) are this adapter with one bug each.

The optional serialization API (``adapters/port.py: Serialization``) is the reference's
own: ``reference.deserialize``, ``serialize``, ``get``, ``Initializer.get_config``, and
``from_config`` as ``reference.make`` of the instance's class name (``type(init).from_config``
would build it in the default edition), each in the adapter's edition.
"""

from __future__ import annotations

import numpy as np

from initializer_conformance import reference


class ReferenceAdapter:
    name = "numpy"
    edition = "keras2"

    def version(self) -> str:
        return f"reference spec on numpy {np.__version__}, edition {self.edition}"

    def make(self, identifier: str, config: dict):
        return reference.make(identifier, config, edition=self.edition)

    # -- the serialization API -------------------------------------------------------------

    def deserialize(self, data: dict):
        return reference.deserialize(data, edition=self.edition)

    def serialize(self, init) -> dict:
        return reference.serialize(init)

    def get_config(self, init) -> dict:
        return init.get_config()

    def from_config(self, init, config: dict):
        return reference.make(type(init).__name__, config, edition=self.edition)

    def get(self, identifier):
        return reference.get(identifier, edition=self.edition)


class ReferenceKeras3Adapter(ReferenceAdapter):
    name = "numpy-keras3"
    edition = "keras3"
