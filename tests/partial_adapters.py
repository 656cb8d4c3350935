"""Correct adapters that lack something, as real frameworks do (MLX has no float64
uniform, JAX without x64 no float64 at all, paddle no float16 truncated normal on CPU)."""

from initializer_conformance.adapters.reference_numpy import ReferenceAdapter


class NoFloat64(ReferenceAdapter):
    """The reference, raising NotImplementedError for every float64 output."""

    name = "no-float64"

    def make(self, identifier, config):
        init = super().make(identifier, config)

        def draw(shape, dtype=None):
            if dtype == "float64":
                raise NotImplementedError("no float64 on this device")
            return init(shape, dtype)

        return draw


class NoRandomNormal(ReferenceAdapter):
    """The reference without RandomNormal (NotImplementedError from ``make``)."""

    name = "no-random-normal"

    def make(self, identifier, config):
        if identifier in ("RandomNormal", "random_normal", "normal"):
            raise NotImplementedError("RandomNormal is not ported yet")
        return super().make(identifier, config)
