"""Ports whose unseeded draws come from a global generator (SPEC.md, decision 15), as
Keras's do (``keras.utils.set_random_seed`` makes them reproducible).

Used by ``tests/test_global_generator.py`` as ``--impl=tests.global_generator_adapters:NAME``.
:class:`GlobalGenerator` is the reference whose unseeded instances draw from one
module-level generator that ``seed_global(seed)`` reseeds (allowed);
:class:`SeededAdvancesGlobal` also draws one value from it in every seeded call (a
seeded call must leave global state alone: not allowed).
"""

from __future__ import annotations

import numpy as np

from initializer_conformance.adapters.reference_numpy import ReferenceAdapter

_global = {"rng": np.random.default_rng()}  # OS-seeded in each process, as a framework's


class _Global:
    """The current global generator, whatever ``seed_global`` did since the instance was
    made (attribute access is delegated at each draw)."""

    def __getattr__(self, name):
        return getattr(_global["rng"], name)


class GlobalGenerator(ReferenceAdapter):
    name = "global-generator"

    def seed_global(self, seed: int) -> None:
        _global["rng"] = np.random.default_rng(seed)

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if getattr(init, "seed", 0) is None and getattr(init, "_unseeded_rng", None) is not None:
            init._unseeded_rng = _Global()
        return init


class SeededAdvancesGlobal(GlobalGenerator):
    name = "seeded-advances-global"

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if config.get("seed") is None:
            return init

        def call(shape, dtype=None):
            _global["rng"].random()  # the bug: a seeded call consumes the global stream
            return init(shape, dtype)

        return call
