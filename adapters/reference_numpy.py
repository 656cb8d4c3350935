"""The reference itself as an adapter (``--impl=numpy``): the suite's baseline.

Every identifier maps to ``reference.make(identifier, config)``; a run against it
must pass, and the mutants (``initializer_conformance.adapters.mutants``) are this adapter with one bug each.
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


class ReferenceKeras3Adapter(ReferenceAdapter):
    name = "numpy-keras3"
    edition = "keras3"
