"""How the JAX-based ports (jax, flax, keras on jax) set JAX up, once, when imported.

* ``jax_enable_x64``: else float64 silently becomes float32.
* Fast compilation, unless JAX's own ``JAX_DISABLE_MOST_OPTIMIZATIONS`` says otherwise: JAX
  compiles each sampler anew for each shape and dtype, and a run is mostly compiling.

  - ``jax_disable_most_optimizations``: without most of XLA's optimisations the samplers
    compile about 4x faster; values move by an ulp or two at most
    (``adapters/jax_adapter.py``'s docstring, "Compilation").
  - ``--xla_cpu_use_fusion_emitters=false`` in ``XLA_FLAGS`` (unless ``XLA_FLAGS`` sets it):
    XLA's CPU backend emits its fused element-wise kernels with its older LLVM IR emitters
    instead of the MLIR fusion emitters, which compiles them about 2x faster again (24
    shapes of ``truncated_normal * std + mean``, 74 compilations: 8.2 s instead of 17.4 s
    on the loaded 2-core machine) and computes bit for bit the same values (294,784
    values of ``jax.nn.initializers``' uniform, normal, truncated normal and orthogonal
    draws in float32, float64, float16 and bfloat16: none differs). XLA reads the flag
    when its CPU backend starts, i.e. at the first computation; set before that, it holds.

(A compilation cache shared by the two xdist workers of a run was measured and left out:
the workers compile different samplers, and a default run took the same time, 105 s for
jax and 148 s for keras on jax, with it as without.)
"""

from __future__ import annotations

import os

import jax

#: The XLA flag of the older, faster-compiling CPU emitters (see the docstring).
FAST_EMITTERS = "--xla_cpu_use_fusion_emitters=false"


def configure() -> None:
    jax.config.update("jax_enable_x64", True)
    if "JAX_DISABLE_MOST_OPTIMIZATIONS" not in os.environ:
        jax.config.update("jax_disable_most_optimizations", True)
        flags = os.environ.get("XLA_FLAGS", "")
        if "xla_cpu_use_fusion_emitters" not in flags:
            os.environ["XLA_FLAGS"] = f"{flags} {FAST_EMITTERS}".strip()
