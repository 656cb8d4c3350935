"""Flax adapter (``--impl=flax``): the Keras initializers as a Flax (NNX) user writes them.

A Flax user takes initializers from ``flax.nnx.initializers`` (``flax.linen.initializers``
in Linen; both modules re-export the very same function objects) and gets keys from
``flax.nnx.Rngs``. A layer such as ``nnx.Linear(in, out, kernel_init=init, rngs=rngs)``
calls ``init(rngs.params(), (in, out), param_dtype)``; ``nnx.Conv`` calls it with
``(*kernel_size, in, out)``. This adapter makes exactly that call, without building
the layer around it.

What differs from the JAX adapter (``adapters.jax_adapter``, whose mapping this
adapter inherits):

* the module: ``flax.nnx.initializers`` (checked at run time: for flax 0.12 every
  initializer there *is* ``jax.nn.initializers``'s, plus Flax's ``zeros_init()`` and
  ``ones_init()``, which return ``jax.nn.initializers.zeros``/``ones``);
* the keys: ``nnx.Rngs(params=seed).params()`` (a key folded from the seed by the
  ``params`` stream's counter, not ``jax.random.key(seed)``);
* ``Zeros``/``Ones`` go through ``zeros_init()``/``ones_init()``, the spelling the
  Flax docs use.

Mapping (Keras 2 name -> Flax, ``I = flax.nnx.initializers``)
=============================================================

=====================  ==========================================================================
Keras 2                Flax
=====================  ==========================================================================
Zeros / zeros, zero    ``I.zeros_init()``
Ones / ones, one       ``I.ones_init()``
Constant(value)        ``I.constant(value)``
RandomNormal           ``I.normal(stddev)(key, shape, dtype) + mean``
RandomUniform          ``jax.random.uniform(key, shape, dtype, minval, maxval)`` (``I.uniform(scale)``
                       draws U[0, scale) only)
TruncatedNormal        ``I.truncated_normal(stddev, lower=-2.0, upper=2.0)(key, shape, dtype) + mean``
VarianceScaling        ``I.variance_scaling(scale, mode, distribution')``, Keras ``"normal"`` ->
                       ``"truncated_normal"``, other strings passed unchanged to Flax's validation
glorot_uniform, ...    ``I.glorot_uniform()``, ``I.glorot_normal()``, ``I.he_uniform()``,
                       ``I.he_normal()``, ``I.lecun_uniform()``, ``I.lecun_normal()``
Orthogonal(gain)       ``I.orthogonal(scale=gain, column_axis=-1)``
Identity(gain)         composed: ``jnp.array(gain, dtype) * jnp.eye(rows, cols, dtype=dtype)`` with
                       the port's own shape check (Flax has no identity initializer)
=====================  ==========================================================================

Defaults: Flax's functions keep JAX's defaults (``I.normal()`` is ``stddev=1e-2``, not
Keras's 0.05; ``nnx.Linear``'s default ``kernel_init`` is ``lecun_normal()``, not
``glorot_uniform``). The adapter passes the Keras values explicitly.

Layout: Flax kernels are Keras-layout (``(in, out)``, ``(*k, in, out)``): no
transposition. Rank < 2 shapes: Flax's (JAX's) fan function raises ``ValueError``,
which surfaces as a failure.

Seeds: ``seed=int`` -> a fresh ``nnx.Rngs(params=seed)`` per call, its first
``params()`` key (same values on every call). ``seed=None`` -> each instance owns an
``nnx.Rngs(params=<os.urandom>)`` and each call takes its next ``params()`` key, as
successive layers of one model do: unseeded calls and instances differ.

Device: as in the JAX adapter (``FlaxAdapter(device="gpu")``, ``--device``): every call
runs under ``jax.default_device``, the ``nnx.Rngs`` keys included.

dtypes: importing this adapter imports ``adapters.jax_adapter``, which turns on
``jax_enable_x64`` (process-wide) so that ``float64`` is really float64.

Edition: ``keras2`` (Flax makes no Keras claim; its initializers are JAX's).
``FlaxKeras3Adapter`` translates the Keras 3 vocabulary.
"""

from __future__ import annotations

import os

import flax
from flax import nnx

from .jax_adapter import JaxAdapter, JaxKeras3Adapter


class FlaxAdapter(JaxAdapter):
    """The Keras 2 initializers through ``flax.nnx.initializers`` and ``nnx.Rngs``."""

    name = "flax"

    def version(self) -> str:
        return f"flax {flax.__version__} on {super().version()}"

    def initializers(self):
        return nnx.initializers

    def key_source(self, seed):
        if seed is not None:
            return lambda: nnx.Rngs(params=seed).params()
        rngs = nnx.Rngs(params=int.from_bytes(os.urandom(4), "little"))
        return rngs.params

    def zeros(self):
        return self.initializers().zeros_init()

    def ones(self):
        return self.initializers().ones_init()


class FlaxKeras3Adapter(FlaxAdapter):
    """The same port, translating the Keras 3 vocabulary (``--edition=keras3``)."""

    name = "flax-keras3"
    edition = "keras3"
    known_deviations = JaxKeras3Adapter.known_deviations  # flax re-exports jax's initializers
    distributions = JaxKeras3Adapter.distributions
    identity_requires_square = False
    aliases = JaxKeras3Adapter.aliases
