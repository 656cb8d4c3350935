"""The JAX ports' fast compilation (``adapters/jax_setup.py``) changes how long XLA compiles,
never what the suite judges: the same values, bit for bit, with XLA's default emitters."""

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("jax")

#: Draws of the jax port in a fresh process (XLA reads its flags once, at startup).
DRAWS = """
import json, numpy as np, os
from initializer_conformance.adapters.jax_adapter import JaxAdapter
port, out = JaxAdapter(), []
for name, config in [("he_normal", {}), ("glorot_uniform", {}), ("TruncatedNormal",
        {"mean": -1.0, "stddev": 0.5}), ("RandomNormal", {"mean": 0.3, "stddev": 2.0}),
        ("Orthogonal", {"gain": 1.5})]:
    for shape in [(64, 16), (5, 25, 39)]:
        for dtype in ["float32", "float64", "bfloat16"]:
            if name == "Orthogonal" and dtype == "bfloat16":
                continue
            x = port.make(name, {**config, "seed": 7})(shape, dtype)
            out.append(np.asarray(x).astype(np.float64).ravel().tolist())
print(json.dumps({"flags": os.environ.get("XLA_FLAGS"), "draws": out}))
"""


def _run(code: str, **env: str) -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS",)}
    environ.pop("JAX_DISABLE_MOST_OPTIMIZATIONS", None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        env={**environ, **env},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_fast_emitters_draw_the_same_values():
    fast = _run(DRAWS)
    default = _run(DRAWS, XLA_FLAGS="--xla_cpu_use_fusion_emitters=true")
    assert fast["flags"] == "--xla_cpu_use_fusion_emitters=false"
    assert default["flags"] == "--xla_cpu_use_fusion_emitters=true"  # the user's, kept
    assert fast["draws"] == default["draws"]


SETUP = """
import json, os
from initializer_conformance.adapters.jax_setup import configure
configure()
import jax
print(json.dumps({"flags": os.environ.get("XLA_FLAGS"),
                  "most": jax.config.read("jax_disable_most_optimizations")}))
"""


@pytest.mark.parametrize(
    "env, flags, most",
    [
        ({}, "--xla_cpu_use_fusion_emitters=false", True),
        (
            {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"},
            "--xla_force_host_platform_device_count=2 --xla_cpu_use_fusion_emitters=false",
            True,
        ),
        ({"JAX_DISABLE_MOST_OPTIMIZATIONS": "0"}, None, False),
    ],
    ids=["default", "other-flags-kept", "opted-out"],
)
def test_configure_adds_the_flag_and_keeps_the_users(env, flags, most):
    assert _run(SETUP, **env) == {"flags": flags, "most": most}
