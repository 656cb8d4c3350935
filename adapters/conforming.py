"""Conforming ports that compute in float32 the way real frameworks do.

The reference draws in float64 and rounds once; the ports the suite judges compute in
float32. These adapters are the reference's laws drawn with the float32 arithmetic of
two real generators, so that the suite's false-alarm budget is measured where it matters
(``python -m benchmarks.false_alarms --impl ...``), and so that what a conforming port may
do at a bound (``reference/rounding.py``: values exactly on an inclusive bound, rounding
across it) is exercised, never flagged:

* :class:`TorchLikeFloat32`: ``torch.rand`` (a 24-bit integer times 2^-24, so ``u = 0``
  has probability 2^-24), ``minval + (maxval - minval)·u`` in float32; normals as
  ``mean + std·z`` in float32; truncated normals as ``torch.nn.init.trunc_normal_``
  does: a float32 uniform between the bounds' CDFs, the inverse CDF, then a clamp to the
  bounds (which lands exactly on a bound when rounding overshoots).
* :class:`JaxLikeFloat32`: ``jax.random.uniform`` (23 random mantissa bits: a grid of
  2^-23), and ``jax.random.truncated_normal``'s erf/erfinv route, clipped to the bounds.

16-bit outputs are drawn in float32 and rounded (torch since 2.12, PyTorch #145498).
float64 outputs, integer dtypes, Orthogonal and the deterministic initializers are the
reference's own. Each is a conforming implementation: a failure of the suite against it
is a false alarm.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from initializer_conformance import reference
from initializer_conformance.reference import dtypes, laws

from .reference_numpy import ReferenceAdapter

F32 = np.float32


class Float32Port(ReferenceAdapter):
    """Base: the reference, with element-wise float32 outputs drawn by ``uniform01``,
    ``normal`` and ``truncated`` (float32 arithmetic)."""

    #: Random mantissa bits of the generator's float32 uniform on [0, 1).
    uniform_bits = 24

    def version(self) -> str:
        return f"{self.name}: the reference's laws in float32 arithmetic (numpy {np.__version__})"

    def make(self, identifier, config):
        init = reference.make(identifier, config, edition=self.edition)
        if not isinstance(init, reference.base.RandomInitializer) or not init.elementwise:
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            resolved = init._check_dtype(dtype)
            if resolved.name not in ("float32", *dtypes.SIXTEEN_BIT):
                return init(shape, dtype)
            # 16-bit outputs: drawn in float32 and rounded, as torch does since 2.12
            return np.asarray(self.draw(init.law(shape), init.rng(), shape), dtype=F32).astype(
                resolved
            )

        return call

    def draw(self, law, rng: np.random.Generator, shape) -> np.ndarray:
        if isinstance(law, laws.Uniform):
            u = self.uniform01(rng, shape)
            return F32(law.low) + F32(law.high - law.low) * u
        if isinstance(law, laws.TruncatedNormal):
            return self.truncated(law, rng, shape)
        return F32(law.loc) + F32(law.scale) * rng.standard_normal(shape).astype(F32)

    def uniform01(self, rng: np.random.Generator, shape) -> np.ndarray:
        """A float32 uniform on [0, 1): an integer of ``uniform_bits`` bits times 2^-bits."""
        k = rng.integers(0, 2**self.uniform_bits, size=shape)
        return (k * 2.0**-self.uniform_bits).astype(F32)

    def truncated(self, law, rng, shape) -> np.ndarray:
        raise NotImplementedError


class TorchLikeFloat32(Float32Port):
    """torch.nn.init in float32: 24-bit uniforms; trunc_normal_ by inverse CDF and clamp."""

    name = "torch-like-float32"
    uniform_bits = 24

    def truncated(self, law, rng, shape):
        width = laws.TRUNCATION_WIDTH
        lo_cdf, hi_cdf = F32(special.ndtr(-width)), F32(special.ndtr(width))
        u = lo_cdf + (hi_cdf - lo_cdf) * self.uniform01(rng, shape)  # float32, as torch
        z = special.ndtri(u.astype(np.float64)).astype(F32)
        x = F32(law.loc) + F32(law.scale) * z
        lo, hi = law.support
        return np.clip(x, F32(lo), F32(hi))


class JaxLikeFloat32(Float32Port):
    """jax.random in float32: 23-bit uniforms; truncated_normal through erf and erfinv."""

    name = "jax-like-float32"
    uniform_bits = 23

    def truncated(self, law, rng, shape):
        width = laws.TRUNCATION_WIDTH
        a, b = F32(math.erf(-width / math.sqrt(2))), F32(math.erf(width / math.sqrt(2)))
        u = a + (b - a) * self.uniform01(rng, shape)
        z = (F32(math.sqrt(2)) * special.erfinv(u).astype(F32)).astype(F32)
        z = np.clip(z, np.nextafter(F32(-width), F32(0)), np.nextafter(F32(width), F32(0)))
        x = F32(law.loc) + F32(law.scale) * z
        lo, hi = law.support
        return np.clip(x, F32(lo), F32(hi))
