"""How the JAX-based ports (jax, flax, keras on jax) set JAX up, once, when imported.

* ``jax_enable_x64``: else float64 silently becomes float32.
* ``jax_disable_most_optimizations``, unless JAX's own ``JAX_DISABLE_MOST_OPTIMIZATIONS``
  says otherwise: JAX compiles each sampler anew for each shape and dtype, and without
  most of XLA's optimisations it compiles them about 4x faster; values move by an ulp or
  two at most (``adapters/jax_adapter.py``'s docstring, "Compilation").

(A compilation cache shared by the two xdist workers of a run was measured and left out:
the workers compile different samplers, and a default run took the same time, 105 s for
jax and 148 s for keras on jax, with it as without.)
"""

from __future__ import annotations

import os

import jax


def configure() -> None:
    jax.config.update("jax_enable_x64", True)
    if "JAX_DISABLE_MOST_OPTIMIZATIONS" not in os.environ:
        jax.config.update("jax_disable_most_optimizations", True)
